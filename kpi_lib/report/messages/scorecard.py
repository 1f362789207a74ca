"""Sentences, headings, table headers, axis labels and legends of the scorecard page (scorecard notebook, scorecard_text, scorecard_plots).

key -> (English, Simplified Chinese, Traditional Chinese); ``{name}`` fields are filled by
:func:`kpi_lib.report.review_text.text`. Keys start with the module's prefix, so that no two
pages can define the same key (a test checks the whole catalogue).
"""

TEXTS: dict[str, tuple[str, str, str]] = {
    # ---- headings
    "scorecard.h.read": ("How to read this page", "如何阅读本页", "如何閱讀本頁"),
    "scorecard.h.scheme": ("The weight scheme", "权重方案", "權重方案"),
    "scorecard.h.scheme_review": ("Scheme review", "方案审查", "方案審查"),
    "scorecard.h.scorecard": ("The scorecard", "计分卡", "計分卡"),
    "scorecard.h.distribution": ("Score distribution", "得分分布", "得分分佈"),
    "scorecard.h.breakdown": ("Where each score comes from", "得分来源", "得分來源"),
    "scorecard.h.board": ("Traffic-light board", "红黄绿看板", "紅黃綠看板"),
    "scorecard.h.bonus": ("Bonus", "奖金", "獎金"),
    "scorecard.h.commission": ("Commission-rate bands", "提成档位", "提成檔位"),
    "scorecard.h.certification": ("Certification", "晋级认证", "晉級認證"),
    "scorecard.h.pip": (
        "Performance improvement plan candidates",
        "绩效改进计划候选人",
        "績效改進計劃候選人",
    ),
    "scorecard.h.coaching": ("Coaching focus", "辅导重点", "輔導重點"),
    "scorecard.h.weak_spots": ("Team-wide weak spots", "团队共性短板", "團隊共性短板"),
    "scorecard.h.attainability": (
        "Are the targets attainable?",
        "目标是否可达？",
        "目標是否可達？",
    ),
    "scorecard.h.small_samples": ("Small samples", "小样本", "小樣本"),
    "scorecard.h.key_numbers": ("Key numbers", "关键数字", "關鍵數字"),
    "scorecard.analyst": (
        "Analyst detail (technical)",
        "分析师明细（技术性）",
        "分析師明細（技術性）",
    ),
    # ---- how to read
    "scorecard.read.1": (
        "Every agent is scored from 0 (worst) to 100 (best) on a few core indicators chosen by "
        "the weight scheme. Each indicator is first turned into a 0–100 score against its "
        "target, then the scores are combined with the scheme's weights into one composite "
        "score. Agents are ranked on it and placed in tiers ({tiers}).",
        "每位坐席在权重方案选定的几项核心指标上得分，0 分最差、100 分最好。每项指标先按目标换算为 0–100 分，"
        "再按方案权重合成为一个综合得分。坐席按综合得分排名并分入等级（{tiers}）。",
        "每位坐席在權重方案選定的幾項核心指標上得分，0 分最差、100 分最好。每項指標先按目標換算為 0–100 分，"
        "再按方案權重合成為一個綜合得分。坐席按綜合得分排名並分入等級（{tiers}）。",
    ),
    "scorecard.read.gates": (
        "Some rules apply whatever the score: {gates}",
        "部分规则与得分无关，一律适用：{gates}",
        "部分規則與得分無關，一律適用：{gates}",
    ),
    "scorecard.read.2": (
        "Read from the top: the scheme, the scorecard, where the scores come from and the "
        "traffic-light board, then the decisions (bonus, certification, improvement plans, "
        "coaching). The last sections check whether the targets are realistic and whether "
        "agents with little data are ranked by luck. Full lists are in the downloads "
        "(exports folder).",
        "请从上往下阅读：方案、计分卡、得分来源、红黄绿看板，然后是考核结果应用（奖金、认证、改进计划、辅导）。"
        "最后两节检查目标是否现实，以及数据量少的坐席是否因运气而获得名次。完整名单见下载文件（exports 文件夹）。",
        "請從上往下閱讀：方案、計分卡、得分來源、紅黃綠看板，然後是考核結果應用（獎金、認證、改進計劃、輔導）。"
        "最後兩節檢查目標是否現實，以及數據量少的坐席是否因運氣而獲得名次。完整名單見下載檔案（exports 資料夾）。",
    ),
    "scorecard.gate": (
        "{indicator} below {limit} — {effect}",
        "{indicator}低于 {limit}——{effect}",
        "{indicator}低於 {limit}——{effect}",
    ),
    "scorecard.gate.max": (
        "{indicator} above {limit} — {effect}",
        "{indicator}高于 {limit}——{effect}",
        "{indicator}高於 {limit}——{effect}",
    ),
    "scorecard.gate.effect.bonus": (
        "no bonus",
        "无奖金资格",
        "無獎金資格",
    ),
    "scorecard.gate.effect.certification": (
        "no certification",
        "无认证资格",
        "無認證資格",
    ),
    "scorecard.gate.effect.other": (
        "the rule applies ({effect})",
        "规则适用（{effect}）",
        "規則適用（{effect}）",
    ),
    # ---- scheme
    "scorecard.scheme.explain": (
        "Scheme {scheme}: each row is one scored indicator, with its dimension, the share of "
        "the composite it carries and the cycle in which it is assessed. Check that the "
        "weights match what the team should focus on.",
        "方案 {scheme}：每行是一项计分指标，列出所属维度、在综合得分中的占比以及考核周期。请确认权重与团队应关注的重点一致。",
        "方案 {scheme}：每行是一項計分指標，列出所屬維度、在綜合得分中的佔比以及考核週期。請確認權重與團隊應關注的重點一致。",
    ),
    "scorecard.col.dimension_weight": ("dimension weight", "维度权重", "維度權重"),
    "scorecard.col.weight_in_dimension": (
        "weight within dimension",
        "维度内权重",
        "維度內權重",
    ),
    "scorecard.col.weight": ("share of composite", "占综合得分比例", "佔綜合得分比例"),
    "scorecard.col.cycle": ("assessed", "考核周期", "考核週期"),
    "scorecard.col.weight_now": (
        "share this period",
        "本期实际占比",
        "本期實際佔比",
    ),
    "scorecard.review.ok": (
        "The scheme {scheme} follows every design principle checked (3–5 core indicators, "
        "volume paired with quality, a long-term indicator, a team component, no negligible "
        "weight).",
        "方案 {scheme} 符合所检查的全部设计原则（3–5 项核心指标、数量配质量、长期指标、团队指标、无过小权重）。",
        "方案 {scheme} 符合所檢查的全部設計原則（3–5 項核心指標、數量配質量、長期指標、團隊指標、無過小權重）。",
    ),
    "scorecard.review.head": (
        "The scheme {scheme} checked against the design principles of the sources: {errors} "
        "error(s), {warnings} warning(s), {infos} suggestion(s). Warnings are advice; an error "
        "means the scheme cannot be scored on this data as written.",
        "对照设计原则检查方案 {scheme}：错误 {errors} 项、警告 {warnings} 项、建议 {infos} 项。"
        "警告只是建议；错误表示该方案无法按原样在本数据上计分。",
        "對照設計原則檢查方案 {scheme}：錯誤 {errors} 項、警告 {warnings} 項、建議 {infos} 項。"
        "警告只是建議；錯誤表示該方案無法按原樣在本數據上計分。",
    ),
    "scorecard.severity.error": ("error", "错误", "錯誤"),
    "scorecard.severity.warning": ("warning", "警告", "警告"),
    "scorecard.severity.info": ("suggestion", "建议", "建議"),
    "scorecard.finding.unknown_indicator": (
        "{indicator} is not an indicator of the catalogue; check its spelling in the scheme.",
        "{indicator} 不在指标目录中，请检查方案中的拼写。",
        "{indicator} 不在指標目錄中，請檢查方案中的拼寫。",
    ),
    "scorecard.finding.indicator_unavailable": (
        "The dataset cannot provide {indicator} (no values).",
        "数据无法提供 {indicator}（没有数值）。",
        "數據無法提供 {indicator}（沒有數值）。",
    ),
    "scorecard.finding.too_many_indicators": (
        "{n} weighted indicators; the sources advise 3–5 core indicators, more dilutes effort.",
        "共 {n} 项计分指标；建议 3–5 项核心指标，过多会分散精力。",
        "共 {n} 項計分指標；建議 3–5 項核心指標，過多會分散精力。",
    ),
    "scorecard.finding.few_indicators": (
        "Only {n} weighted indicator(s): a single indicator is easy to game.",
        "仅 {n} 项计分指标：单一指标容易被操纵。",
        "僅 {n} 項計分指標：單一指標容易被操縱。",
    ),
    "scorecard.finding.unpaired_volume": (
        "{indicator} counts quantity without a paired quality indicator; quantity alone "
        "invites padding and over-promising.",
        "{indicator} 只计数量，没有配对的质量指标；只看数量容易导致刷量和过度承诺。",
        "{indicator} 只計數量，沒有配對的質量指標；只看數量容易導致刷量和過度承諾。",
    ),
    "scorecard.finding.no_long_term": (
        "No long-term indicator (repurchase, customer lifetime value): agents may over-promise "
        "to close today's sale.",
        "没有长期指标（复购、客户终身价值）：坐席可能为成交而过度承诺。",
        "沒有長期指標（複購、客戶終身價值）：坐席可能為成交而過度承諾。",
    ),
    "scorecard.finding.no_team_component": (
        "No team component: agents may compete for leads. Consider team target attainment "
        "with a small weight.",
        "没有团队指标：坐席之间可能争抢线索。可考虑以较小权重加入团队目标达成率。",
        "沒有團隊指標：坐席之間可能爭搶線索。可考慮以較小權重加入團隊目標達成率。",
    ),
    "scorecard.finding.negligible_weight": (
        "{indicator} carries {weight} of the composite: too small to change behaviour. Drop "
        "it, raise it, or make it a gate.",
        "{indicator} 仅占综合得分的 {weight}：太小，无法影响行为。建议删除、提高权重或改为门槛。",
        "{indicator} 僅佔綜合得分的 {weight}：太小，無法影響行為。建議刪除、提高權重或改為門檻。",
    ),
    "scorecard.finding.dimension_differs": (
        "{indicator} is grouped under a different dimension than in the catalogue.",
        "{indicator} 所属维度与指标目录不同。",
        "{indicator} 所屬維度與指標目錄不同。",
    ),
    "scorecard.finding.gate_and_weight": (
        "{indicator} is both weighted and a gate; once the basic script is mastered a gate "
        "alone is enough.",
        "{indicator} 既计分又作为门槛；基本话术掌握后，仅作门槛即可。",
        "{indicator} 既計分又作為門檻；基本話術掌握後，僅作門檻即可。",
    ),
    "scorecard.finding.weights_rescaled": (
        "Some weights do not add up to a round total and were rescaled; check they say what "
        "was meant.",
        "部分权重之和不是整数总额，已重新归一；请确认符合原意。",
        "部分權重之和不是整數總額，已重新歸一；請確認符合原意。",
    ),
    "scorecard.finding.dominant_dimension": (
        "{dimension} carries {weight} of the composite; the other dimensions can hardly offset it.",
        "{dimension}占综合得分的 {weight}；其他维度几乎无法抵消。",
        "{dimension}佔綜合得分的 {weight}；其他維度幾乎無法抵消。",
    ),
    "scorecard.finding.other": (
        "Design check {code} flagged the scheme{indicator}.",
        "设计检查 {code} 提示方案问题{indicator}。",
        "設計檢查 {code} 提示方案問題{indicator}。",
    ),
    # ---- scorecard
    "scorecard.summary": (
        "In {period}, {scored} of {n} agents received a composite score; the median is {median} "
        "out of 100.{top} Tiers: {tiers}. {gates} agent(s) failed a gate, and {unrank} "
        "agent(s) have rates based on too few calls or surveys to be ranked with confidence.",
        "{period}，{n} 名坐席中 {scored} 名获得综合得分，中位数为 {median} 分（满分 100）。{top}"
        "等级分布：{tiers}。{gates} 名坐席未通过门槛，{unrank} 名坐席的比率基于太少的通话或调查，名次不可靠。",
        "{period}，{n} 名坐席中 {scored} 名獲得綜合得分，中位數為 {median} 分（滿分 100）。{top}"
        "等級分佈：{tiers}。{gates} 名坐席未通過門檻，{unrank} 名坐席的比率基於太少的通話或調查，名次不可靠。",
    ),
    "scorecard.summary.top": (
        " The top score is {score}: {agent}.",
        "最高分 {score}：{agent}。",
        "最高分 {score}：{agent}。",
    ),
    "scorecard.settings": (
        "Scheme {scheme}, {cycle} cycle; each indicator scored 0–100 against its target, "
        "combined as a weighted {aggregation} mean.",
        "方案 {scheme}，{cycle}周期；每项指标按目标换算为 0–100 分，按加权{aggregation}平均合成。",
        "方案 {scheme}，{cycle}週期；每項指標按目標換算為 0–100 分，按加權{aggregation}平均合成。",
    ),
    "scorecard.aggregation.arithmetic": ("arithmetic", "算术", "算術"),
    "scorecard.aggregation.geometric": ("geometric", "几何", "幾何"),
    "scorecard.note.not_assessed": (
        "Not assessed in this cycle (its weight was spread over the others): {indicators}.",
        "本周期不考核（其权重已分摊到其他指标）：{indicators}。",
        "本週期不考核（其權重已分攤到其他指標）：{indicators}。",
    ),
    "scorecard.note.history_target": (
        "No target was given for {indicator} for {n} agent(s): the target was derived from "
        "the agents' own history (median of the previous periods + 5 %).",
        "{indicator} 有 {n} 名坐席未设定目标：目标取自其历史（前几期中位数 + 5 %）。",
        "{indicator} 有 {n} 名坐席未設定目標：目標取自其歷史（前幾期中位數 + 5 %）。",
    ),
    "scorecard.table.explain": (
        "One row per agent, best first: composite score, rank, tier, whether every gate was "
        "passed, the overall light, whether the rank can be trusted, and the 0–100 score on "
        "each indicator. Look at the top and the bottom, and at agents with a high score who "
        "failed a gate.",
        "每行一名坐席，按得分从高到低：综合得分、排名、等级、是否通过全部门槛、总体灯色、名次是否可靠，以及各指标的 0–100 分。"
        "请关注首尾两端，以及得分高但未通过门槛的坐席。",
        "每行一名坐席，按得分從高到低：綜合得分、排名、等級、是否通過全部門檻、總體燈色、名次是否可靠，以及各指標的 0–100 分。"
        "請關注首尾兩端，以及得分高但未通過門檻的坐席。",
    ),
    "scorecard.shown": (
        "{shown} of {total} shown; the full list is in {link}.",
        "显示 {total} 条中的 {shown} 条；完整名单见 {link}。",
        "顯示 {total} 條中的 {shown} 條；完整名單見 {link}。",
    ),
    "scorecard.shown_plain": (
        "{shown} of {total} shown.",
        "显示 {total} 条中的 {shown} 条。",
        "顯示 {total} 條中的 {shown} 條。",
    ),
    "scorecard.all_shown": (
        "All {total} shown (also in {link}).",
        "全部 {total} 条均已显示（亦见 {link}）。",
        "全部 {total} 條均已顯示（亦見 {link}）。",
    ),
    "scorecard.col.gates_passed": ("all gates passed", "通过全部门槛", "通過全部門檻"),
    "scorecard.col.light": ("overall light", "总体灯色", "總體燈色"),
    "scorecard.col.rankable": ("rank reliable", "名次可靠", "名次可靠"),
    "scorecard.light.green": ("green", "绿", "綠"),
    "scorecard.light.yellow": ("yellow", "黄", "黃"),
    "scorecard.light.red": ("red", "红", "紅"),
    "scorecard.light.none": ("no light", "无灯色", "無燈色"),
    "scorecard.detail.explain": (
        "For each agent and indicator: the value, the target, the attainment (value / target; "
        "target / value when lower is better), the 0–100 score, its weight and the points it "
        "adds to the composite, and where the target came from.",
        "每名坐席每项指标：数值、目标、达成率（数值/目标；越低越好的指标为目标/数值）、0–100 分、权重、对综合得分的贡献分，以及目标来源。",
        "每名坐席每項指標：數值、目標、達成率（數值/目標；越低越好的指標為目標/數值）、0–100 分、權重、對綜合得分的貢獻分，以及目標來源。",
    ),
    "scorecard.col.score": ("score 0–100", "得分 0–100", "得分 0–100"),
    "scorecard.col.contribution": ("points", "贡献分", "貢獻分"),
    "scorecard.col.target_source": ("target from", "目标来源", "目標來源"),
    "scorecard.source.table": ("targets table", "目标表", "目標表"),
    "scorecard.source.scheme": ("scheme", "方案", "方案"),
    "scorecard.source.history": ("own history", "自身历史", "自身歷史"),
    "scorecard.source.none": ("no target", "无目标", "無目標"),
    # ---- plots
    "scorecard.plot.composite": (
        "composite score (0–100)",
        "综合得分（0–100）",
        "綜合得分（0–100）",
    ),
    "scorecard.plot.agents": ("agents", "坐席人数", "坐席人數"),
    "scorecard.plot.distribution": (
        "Composite scores — {period}",
        "综合得分分布 — {period}",
        "綜合得分分佈 — {period}",
    ),
    "scorecard.plot.tier_cut": ("tier {tier} ≥ {cut}", "{tier} 级 ≥ {cut}", "{tier} 級 ≥ {cut}"),
    "scorecard.plot.points": (
        "points of the composite",
        "综合得分的分数构成",
        "綜合得分的分數構成",
    ),
    "scorecard.plot.breakdown": (
        "Where the score comes from: top {top} and bottom {bottom}",
        "得分来源：前 {top} 名与后 {bottom} 名",
        "得分來源：前 {top} 名與後 {bottom} 名",
    ),
    "scorecard.plot.board": (
        "Attainment of target (agents with most red first)",
        "目标达成率（红灯最多的坐席在前）",
        "目標達成率（紅燈最多的坐席在前）",
    ),
    "scorecard.plot.share_reached": (
        "share of agent-periods that reached the target",
        "达到目标的坐席期数占比",
        "達到目標的坐席期數佔比",
    ),
    "scorecard.plot.attainability": (
        "How attainable are the targets?",
        "目标可达性",
        "目標可達性",
    ),
    "scorecard.plot.no_targets": ("no targets to check", "没有可检查的目标", "沒有可檢查的目標"),
    "scorecard.plot.trials": ("number of surveys", "调查数", "調查數"),
    "scorecard.plot.small": (
        "Red: too few surveys to rank; arrows: after discounting luck",
        "红色：调查太少，不宜排名；箭头：扣除运气后的比率",
        "紅色：調查太少，不宜排名；箭頭：扣除運氣後的比率",
    ),
    "scorecard.plot.team_mean": ("team average", "团队平均", "團隊平均"),
    "scorecard.plot.rankable": ("enough data to rank", "数据足以排名", "數據足以排名"),
    "scorecard.plot.unrankable": ("too little data", "数据太少", "數據太少"),
    # ---- explanations of charts
    "scorecard.distribution.explain": (
        "How the composite scores spread across agents, with the tier cut-offs as dashed "
        "lines. A pile-up at 100 means the targets are too easy; a pile-up at 0 means they are "
        "out of reach.",
        "坐席综合得分的分布，虚线为等级分界线。大量集中在 100 分说明目标太容易；集中在 0 分说明目标遥不可及。",
        "坐席綜合得分的分佈，虛線為等級分界線。大量集中在 100 分說明目標太容易；集中在 0 分說明目標遙不可及。",
    ),
    "scorecard.breakdown.explain": (
        "For the best and the weakest agents, how many composite points each dimension "
        "contributed. Two agents with the same score can get there in very different ways: "
        "look for bars that are almost all one dimension.",
        "最好与最弱的坐席，各维度为综合得分贡献了多少分。得分相同的两名坐席，得分来源可能完全不同：留意几乎全部来自单一维度的条形。",
        "最好與最弱的坐席，各維度為綜合得分貢獻了多少分。得分相同的兩名坐席，得分來源可能完全不同：留意幾乎全部來自單一維度的條形。",
    ),
    "scorecard.board.explain": (
        "Each cell is an agent's attainment of the target on one indicator (in a weekly "
        "review, progress to date against targets pro-rated to the days elapsed). Green: at "
        "or above the target; yellow: at least {yellow} of it; red: below; grey: no target or "
        "no data. Agents with most red lights are at the top: these are this week's "
        "conversations.",
        "每格为坐席某项指标的目标达成率（周度回顾按已过天数折算目标）。绿色：达到或超过目标；黄色：达到目标的 {yellow} 以上；"
        "红色：低于此线；灰色：无目标或无数据。红灯最多的坐席排在最上面：这些是本周要谈话的对象。",
        "每格為坐席某項指標的目標達成率（週度回顧按已過天數折算目標）。綠色：達到或超過目標；黃色：達到目標的 {yellow} 以上；"
        "紅色：低於此線；灰色：無目標或無數據。紅燈最多的坐席排在最上面：這些是本週要談話的對象。",
    ),
    "scorecard.board.shown": (
        "The chart shows the {shown} agents with most red lights out of {total}.",
        "图中显示 {total} 名坐席中红灯最多的 {shown} 名。",
        "圖中顯示 {total} 名坐席中紅燈最多的 {shown} 名。",
    ),
    # ---- bonus
    "scorecard.bonus.summary": (
        "A pool of {pool} is shared by {paid} eligible agents in proportion to their composite "
        "score.{top} {excluded} agent(s) get nothing.",
        "奖金池 {pool} 按综合得分比例分配给 {paid} 名符合资格的坐席。{top}{excluded} 名坐席没有奖金。",
        "獎金池 {pool} 按綜合得分比例分配給 {paid} 名符合資格的坐席。{top}{excluded} 名坐席沒有獎金。",
    ),
    "scorecard.bonus.top": (
        " The largest bonus is {amount}: {agent}.",
        "最高奖金 {amount}：{agent}。",
        "最高獎金 {amount}：{agent}。",
    ),
    "scorecard.bonus.held": (
        "{n} bonus(es) totalling {amount} are held pending review (too little data, or a "
        "gaming check flagged the agent): they keep their share of the pool but are not paid "
        "until released.",
        "{n} 笔奖金（合计 {amount}）暂缓发放待复核（数据太少，或被操纵检查标记）：保留其奖金份额，复核通过后再发放。",
        "{n} 筆獎金（合計 {amount}）暫緩發放待複核（數據太少，或被操縱檢查標記）：保留其獎金份額，複核通過後再發放。",
    ),
    "scorecard.bonus.explain": (
        "First the best paid, then every agent who gets nothing or whose bonus is held; the "
        "last column says why.",
        "先列奖金最高的坐席，再列无奖金或奖金暂缓的坐席；最后一列说明原因。",
        "先列獎金最高的坐席，再列無獎金或獎金暫緩的坐席；最後一列說明原因。",
    ),
    "scorecard.col.share": ("share of pool", "奖金池占比", "獎金池佔比"),
    "scorecard.col.bonus": ("bonus", "奖金", "獎金"),
    "scorecard.col.held": ("held", "暂缓发放", "暫緩發放"),
    "scorecard.col.bonus_held": ("bonus held", "奖金暂缓", "獎金暫緩"),
    "scorecard.col.payable": ("payable now", "本期应发", "本期應發"),
    "scorecard.col.why": ("why", "原因", "原因"),
    "scorecard.reason.no_composite": (
        "no composite score (too few indicators with a value)",
        "无综合得分（有数值的指标太少）",
        "無綜合得分（有數值的指標太少）",
    ),
    "scorecard.reason.below": (
        "composite below {limit}",
        "综合得分低于 {limit}",
        "綜合得分低於 {limit}",
    ),
    "scorecard.reason.gate": (
        "failed the gate: {indicator} {value}, needs at least {limit}",
        "未通过门槛：{indicator} 为 {value}，要求不低于 {limit}",
        "未通過門檻：{indicator} 為 {value}，要求不低於 {limit}",
    ),
    "scorecard.reason.gate_max": (
        "failed the gate: {indicator} {value}, must not exceed {limit}",
        "未通过门槛：{indicator} 为 {value}，不得高于 {limit}",
        "未通過門檻：{indicator} 為 {value}，不得高於 {limit}",
    ),
    "scorecard.reason.gate_missing": (
        "failed the gate on {indicator} (no value)",
        "未通过{indicator}门槛（无数值）",
        "未通過{indicator}門檻（無數值）",
    ),
    "scorecard.reason.tier": ("tier earns no bonus", "该等级无奖金", "該等級無獎金"),
    "scorecard.reason.partial": (
        "period not complete: no bonus decided yet",
        "期间未结束：暂不决定奖金",
        "期間未結束：暫不決定獎金",
    ),
    "scorecard.reason.other": (
        "not eligible (see the bonus export)",
        "不符合资格（详见奖金导出文件）",
        "不符合資格（詳見獎金匯出檔案）",
    ),
    "scorecard.hold.small_sample": (
        "held: only {calls} calls (rank could be anywhere from {low} to {high})",
        "暂缓：仅 {calls} 通电话（名次可能在 {low} 至 {high} 之间）",
        "暫緩：僅 {calls} 通電話（名次可能在 {low} 至 {high} 之間）",
    ),
    "scorecard.hold.small_sample_short": (
        "held: too few calls this period",
        "暂缓：本期通话太少",
        "暫緩：本期通話太少",
    ),
    "scorecard.hold.gaming_flag": (
        "held pending review of a gaming flag ({check})",
        "暂缓：待复核操纵标记（{check}）",
        "暫緩：待複核操縱標記（{check}）",
    ),
    "scorecard.hold.unrankable": (
        "note: rates too uncertain to rank (rank {low} to {high})",
        "注意：比率不确定，不宜排名（名次 {low} 至 {high}）",
        "注意：比率不確定，不宜排名（名次 {low} 至 {high}）",
    ),
    "scorecard.hold.unrankable_short": (
        "note: rates too uncertain to rank",
        "注意：比率不确定，不宜排名",
        "注意：比率不確定，不宜排名",
    ),
    "scorecard.hold.generic": (
        "held pending review",
        "暂缓发放待复核",
        "暫緩發放待複核",
    ),
    "scorecard.check.bunching": ("call length", "通话时长", "通話時長"),
    "scorecard.check.call_padding": ("call padding", "刷量", "刷量"),
    "scorecard.check.need_intent": ("need/intent mismatch", "需求与意向不符", "需求與意向不符"),
    "scorecard.check.over_promising": ("over-promising", "过度承诺", "過度承諾"),
    "scorecard.check.selective_surveys": ("selective surveys", "挑选调查", "挑選調查"),
    # ---- commission
    "scorecard.commission.explain": (
        "How many agents fall in each band of sales-target attainment, and the commission "
        "rate of the band.",
        "各销售目标达成率档位的坐席人数及该档提成比例。",
        "各銷售目標達成率檔位的坐席人數及該檔提成比例。",
    ),
    "scorecard.col.band": ("attainment band", "达成率档位", "達成率檔位"),
    "scorecard.col.rate": ("commission rate", "提成比例", "提成比例"),
    "scorecard.col.commission": ("commission paid", "提成总额", "提成總額"),
    # ---- certification
    "scorecard.cert.summary": (
        "{now} agent(s) meet the rule up to this period and are candidates for "
        "certification; {one} more met it in this period only and are one period away.",
        "{now} 名坐席截至本期符合规则，为认证候选人；另有 {one} 名仅本期达标，再达标一期即可。",
        "{now} 名坐席截至本期符合規則，為認證候選人；另有 {one} 名僅本期達標，再達標一期即可。",
    ),
    "scorecard.rule.senior": ("Senior certification", "高级认证", "高級認證"),
    "scorecard.cert.rule": ("Rule: {rule}.", "规则：{rule}。", "規則：{rule}。"),
    "scorecard.col.current_streak": (
        "current streak (periods)",
        "当前连续达标期数",
        "當前連續達標期數",
    ),
    "scorecard.col.streak_since": ("streak since", "连续达标起始", "連續達標起始"),
    "scorecard.col.last_period": ("latest qualifying period", "最近达标期", "最近達標期"),
    "scorecard.col.condition": (
        "{indicator} ({field})",
        "{indicator}（{field}）",
        "{indicator}（{field}）",
    ),
    "scorecard.field.value": ("value", "数值", "數值"),
    "scorecard.field.attainment": ("attainment", "达成率", "達成率"),
    "scorecard.field.score": ("score", "得分", "得分"),
    # ---- pip
    "scorecard.pip.summary": (
        "{n} agent(s) were in the bottom tier in at least {k} of the last {window} periods. A "
        "plan starts with a coaching conversation, not a sanction.",
        "{n} 名坐席在最近 {window} 期中至少 {k} 期处于最低等级。改进计划从辅导谈话开始，而不是处罚。",
        "{n} 名坐席在最近 {window} 期中至少 {k} 期處於最低等級。改進計劃從輔導談話開始，而不是處罰。",
    ),
    "scorecard.pip.none": (
        "No agent was in the bottom tier in {k} of the last {window} periods; no improvement "
        "plan is suggested.",
        "没有坐席在最近 {window} 期中有 {k} 期处于最低等级；不建议改进计划。",
        "沒有坐席在最近 {window} 期中有 {k} 期處於最低等級；不建議改進計劃。",
    ),
    "scorecard.col.low_periods": (
        "periods in bottom tier",
        "处于最低等级的期间",
        "處於最低等級的期間",
    ),
    "scorecard.col.tiers": ("tiers (oldest first)", "各期等级（由早到晚）", "各期等級（由早到晚）"),
    "scorecard.col.composites": (
        "composites (oldest first)",
        "各期综合得分（由早到晚）",
        "各期綜合得分（由早到晚）",
    ),
    "scorecard.col.latest": ("latest composite", "最近综合得分", "最近綜合得分"),
    # ---- coaching
    "scorecard.coaching.explain": (
        "For each agent, the dimension where they are furthest below their team's average, "
        "and the indicator to start with: the topic of the monthly one-to-one. Largest gaps "
        "first.",
        "每名坐席低于团队平均最多的维度，以及应先改进的指标：即月度一对一面谈的主题。差距最大的排在前面。",
        "每名坐席低於團隊平均最多的維度，以及應先改進的指標：即月度一對一面談的主題。差距最大的排在前面。",
    ),
    "scorecard.col.agent_score": ("agent's score", "坐席得分", "坐席得分"),
    "scorecard.col.team_score": ("team average", "团队平均", "團隊平均"),
    "scorecard.col.gap": ("gap (points)", "差距（分）", "差距（分）"),
    "scorecard.col.start_with": ("start with", "先改进", "先改進"),
    "scorecard.col.indicator_scores": (
        "indicator score: agent / team",
        "指标得分：坐席 / 团队",
        "指標得分：坐席 / 團隊",
    ),
    "scorecard.weak.explain": (
        "Dimensions where a whole team is below the other teams: a case for team training "
        "rather than individual coaching. Largest gaps first.",
        "整个团队低于其他团队的维度：适合团队培训而非个别辅导。差距最大的排在前面。",
        "整個團隊低於其他團隊的維度：適合團隊培訓而非個別輔導。差距最大的排在前面。",
    ),
    "scorecard.col.overall_score": ("all teams", "全部团队", "全部團隊"),
    "scorecard.col.team_agents": ("agents in team", "团队人数", "團隊人數"),
    # ---- attainability
    "scorecard.attain.explain": (
        "For each target, the share of agent-periods in the history that reached it. Targets "
        "almost nobody reaches invite fabrication (with a 10 % historical conversion rate, "
        "15 % is a stretch and 30 % invites fabrication); targets nearly everybody beats no "
        "longer motivate.",
        "每项目标在历史上被达到的坐席期数占比。几乎没人能达到的目标会诱发造假（历史转化率 10 % 时，15 % 是挑战，30 % 会诱发造假）；"
        "几乎人人都能超过的目标失去激励作用。",
        "每項目標在歷史上被達到的坐席期數佔比。幾乎沒人能達到的目標會誘發造假（歷史轉化率 10 % 時，15 % 是挑戰，30 % 會誘發造假）；"
        "幾乎人人都能超過的目標失去激勵作用。",
    ),
    "scorecard.col.historical_median": ("historical median", "历史中位数", "歷史中位數"),
    "scorecard.col.share_reached": ("reached it", "达标占比", "達標佔比"),
    "scorecard.col.agent_periods": ("agent-periods", "坐席期数", "坐席期數"),
    "scorecard.col.verdict": ("verdict", "判断", "判斷"),
    "scorecard.flag.unreachable": ("out of reach", "遥不可及", "遙不可及"),
    "scorecard.flag.invites_fabrication": ("invites fabrication", "易诱发造假", "易誘發造假"),
    "scorecard.flag.stretch": ("a stretch, for the best", "挑战性目标", "挑戰性目標"),
    "scorecard.flag.attainable": ("demanding but attainable", "有挑战但可达", "有挑戰但可達"),
    "scorecard.flag.too_easy": ("too easy", "过于容易", "過於容易"),
    # ---- small samples
    "scorecard.small.explain": (
        "Each dot is an agent's satisfaction rate against the number of surveys behind it, "
        "with the range we are 95 % sure the true rate lies in. Red dots have ranges too wide "
        "to rank: an agent with 8 surveys and 100 % satisfaction may simply have been lucky. "
        "The arrows show the rate after discounting luck (pulling small samples toward the "
        "team average); the table shows how the ranking changes.",
        "每个点是坐席的满意度与其背后的调查数，竖线为我们有 95 % 把握真实比率所在的范围。红点范围太宽，不宜排名："
        "8 份调查、满意度 100 % 的坐席可能只是运气好。箭头表示扣除运气后（把小样本拉向团队平均）的比率；下表显示排名的变化。",
        "每個點是坐席的滿意度與其背後的調查數，豎線為我們有 95 % 把握真實比率所在的範圍。紅點範圍太寬，不宜排名："
        "8 份調查、滿意度 100 % 的坐席可能只是運氣好。箭頭表示扣除運氣後（把小樣本拉向團隊平均）的比率；下表顯示排名的變化。",
    ),
    "scorecard.small.summary": (
        "Of the five best agents on {indicator} before discounting luck, {n} have too few "
        "surveys for their rate to be trusted.",
        "扣除运气前{indicator}最高的五名坐席中，有 {n} 名调查太少，其比率不可靠。",
        "扣除運氣前{indicator}最高的五名坐席中，有 {n} 名調查太少，其比率不可靠。",
    ),
    "scorecard.small.moved": (
        "Discounting luck moves {agent} from rank {before} to {after} on this rate, the "
        "largest change.",
        "扣除运气后，{agent} 在该比率上的排名从 {before} 变为 {after}，变化最大。",
        "扣除運氣後，{agent} 在該比率上的排名從 {before} 變為 {after}，變化最大。",
    ),
    "scorecard.col.trials": ("surveys", "调查数", "調查數"),
    "scorecard.col.observed": ("observed", "实际比率", "實際比率"),
    "scorecard.col.ci": ("95 % sure between", "95 % 把握范围", "95 % 把握範圍"),
    "scorecard.col.shrunk": ("after discounting luck", "扣除运气后", "扣除運氣後"),
    "scorecard.col.rank_raw": ("rank before", "调整前排名", "調整前排名"),
    "scorecard.col.rank_shrunk": ("rank after", "调整后排名", "調整後排名"),
    "scorecard.range": ("{low} – {high}", "{low} – {high}", "{low} – {high}"),
    # ---- key numbers
    "scorecard.key.agents": ("agents scored", "计分坐席", "計分坐席"),
    "scorecard.key.median": ("median composite", "综合得分中位数", "綜合得分中位數"),
    "scorecard.key.bonus": ("bonus paid", "奖金总额", "獎金總額"),
    "scorecard.key.pip": ("improvement-plan candidates", "改进计划候选人", "改進計劃候選人"),
    "scorecard.key.cert": ("certification candidates", "认证候选人", "認證候選人"),
    "scorecard.col.measure": ("measure", "项目", "項目"),
    "scorecard.col.number": ("number", "数值", "數值"),
}
