"""Words of the period review, in English and Chinese (Simplified and Traditional).

Every heading and sentence a manager reads in the period review comes from here; numbers are
filled in from the computed tables. Indicator and dimension names come from the catalogue.
"""

from __future__ import annotations

from kpi_lib._util import check_option
from kpi_lib.indicators.catalogue import LANGUAGES
from kpi_lib.report.messages import PAGE_TEXTS, merge_catalogues

__all__ = ["LANGUAGES", "text", "TEXTS"]


#: key -> (English, Simplified, Traditional); ``{name}`` fields are filled by :func:`text`.
TEXTS: dict[str, tuple[str, str, str]] = {
    "title": (
        "{cycle_name} performance review — {period}",
        "{cycle_name}绩效回顾 — {period}",
        "{cycle_name}績效回顧 — {period}",
    ),
    "cycle.weekly": ("Weekly", "周度", "週度"),
    "cycle.monthly": ("Monthly", "月度", "月度"),
    "cycle.quarterly": ("Quarterly", "季度", "季度"),
    "cycle.annual": ("Annual", "年度", "年度"),
    "intro": (
        "Team: {team}. Scheme: {scheme}. {n_agents} agents scored on {n_indicators} indicators "
        "({dimensions}). Data: {dataset}.",
        "团队：{team}。考核方案：{scheme}。共 {n_agents} 名坐席，{n_indicators} 项指标（{dimensions}）。数据：{dataset}。",
        "團隊：{team}。考核方案：{scheme}。共 {n_agents} 名坐席，{n_indicators} 項指標（{dimensions}）。數據：{dataset}。",
    ),
    "all_teams": ("all teams", "全部团队", "全部團隊"),
    "assessed": (
        "What this cycle assesses: {what}.",
        "本周期考核内容：{what}。",
        "本週期考核內容：{what}。",
    ),
    "assessed.weekly": (
        "progress against pro-rated targets (red / yellow / green board)",
        "按已过天数折算目标的进度（红黄绿看板）",
        "按已過天數折算目標的進度（紅黃綠看板）",
    ),
    "assessed.monthly": (
        "efficiency and performance results, for fast feedback",
        "效率与业绩结果，快速反馈",
        "效率與業績結果，快速反饋",
    ),
    "assessed.quarterly": (
        "efficiency and performance plus service quality and capability growth — the comprehensive appraisal",
        "效率、业绩，加上服务质量与能力成长——综合考评",
        "效率、業績，加上服務質量與能力成長——綜合考評",
    ),
    "assessed.annual": (
        "the year's overall rating, team goals, rewards and penalties",
        "全年综合评级、团队目标、奖惩",
        "全年綜合評級、團隊目標、獎懲",
    ),
    # ---- section headings
    "h.headline": ("Headline", "要点", "要點"),
    "h.board": ("Red / yellow / green board", "红黄绿看板", "紅黃綠看板"),
    "h.leaderboard": ("Leaderboard", "排行榜", "排行榜"),
    "h.decisions": ("Decisions", "考核结果应用", "考核結果應用"),
    "h.bonus": ("Bonus distribution", "奖金分配", "獎金分配"),
    "h.certification": ("Certification candidates", "晋级认证候选人", "晉級認證候選人"),
    "h.pip": (
        "Performance improvement plan (PIP) candidates",
        "绩效改进计划（PIP）候选人",
        "績效改進計劃（PIP）候選人",
    ),
    "h.coaching": ("Coaching focus", "辅导重点", "輔導重點"),
    "h.health": ("Indicator health", "指标健康度", "指標健康度"),
    "h.scheme": (
        "Scheme review and weight sensitivity",
        "方案审查与权重敏感性",
        "方案審查與權重敏感性",
    ),
    "h.agents": ("One-to-one pages", "一对一面谈页", "一對一面談頁"),
    "h.data": ("About the data", "数据说明", "數據說明"),
    # ---- headline
    "headline.attainment": (
        "Team target attainment: {value}.",
        "团队目标达成率：{value}。",
        "團隊目標達成率：{value}。",
    ),
    "headline.no_target": (
        "No team sales target was set for this period, so team attainment cannot be shown.",
        "本期未设置团队销售目标，无法显示团队达成率。",
        "本期未設置團隊銷售目標，無法顯示團隊達成率。",
    ),
    "headline.composite": (
        "Median composite score {median:.1f} (middle half {q1:.1f}–{q3:.1f}); tiers: {tiers}.",
        "综合得分中位数 {median:.1f}（中间一半 {q1:.1f}–{q3:.1f}）；等级分布：{tiers}。",
        "綜合得分中位數 {median:.1f}（中間一半 {q1:.1f}–{q3:.1f}）；等級分佈：{tiers}。",
    ),
    "headline.movement": (
        "Since {previous}: the median composite moved {delta:+.1f} points; {up} agents moved up a tier and {down} moved down.",
        "与 {previous} 相比：综合得分中位数变化 {delta:+.1f} 分；{up} 人升级，{down} 人降级。",
        "與 {previous} 相比：綜合得分中位數變化 {delta:+.1f} 分；{up} 人升級，{down} 人降級。",
    ),
    "headline.no_previous": (
        "No earlier period in the data to compare with.",
        "数据中没有可比较的上一期。",
        "數據中沒有可比較的上一期。",
    ),
    "headline.chart": (
        "The chart shows how composite scores are spread across agents; the dashed lines are the tier cut-offs.",
        "图表显示坐席综合得分的分布；虚线为等级分界线。",
        "圖表顯示坐席綜合得分的分佈；虛線為等級分界線。",
    ),
    # ---- board
    "board.explain": (
        "Each cell is an agent's result on one indicator against target: green reached it, yellow is within {yellow:.0%} of it, red is below. Grey means no target or no data.",
        "每格为坐席某项指标相对目标的完成情况：绿色达标，黄色达到目标的 {yellow:.0%} 以上，红色低于此线。灰色表示无目标或无数据。",
        "每格為坐席某項指標相對目標的完成情況：綠色達標，黃色達到目標的 {yellow:.0%} 以上，紅色低於此線。灰色表示無目標或無數據。",
    ),
    "board.weekly": (
        "Weekly cycle: targets are pro-rated to the {elapsed} of {total} working days elapsed in {period}.",
        "周度看板：目标按 {period} 已过 {elapsed}/{total} 个工作日折算。",
        "週度看板：目標按 {period} 已過 {elapsed}/{total} 個工作日折算。",
    ),
    "note.previous_span": (
        "Like with like: {period} up to {as_of} ({days} working days) is compared with the same {days} working days of {previous} ({start} to {end}), each against targets pro-rated to its working days.",
        "同口径比较：{period} 截至 {as_of}（{days} 个工作日）与 {previous} 的前 {days} 个工作日（{start} 至 {end}）比较，目标均按各自工作日折算。",
        "同口徑比較：{period} 截至 {as_of}（{days} 個工作日）與 {previous} 的前 {days} 個工作日（{start} 至 {end}）比較，目標均按各自工作日折算。",
    ),
    "note.partial_target": (
        "{agents} agent(s) have monthly targets ({indicators}) for only some months of {period} (e.g. {examples}): their target covers those months only, never the team's.",
        "{agents} 名坐席在 {period} 只有部分月份有月度目标（{indicators}，如 {examples}）：其目标只计这些月份，绝不使用团队目标。",
        "{agents} 名坐席在 {period} 只有部分月份有月度目標（{indicators}，如 {examples}）：其目標只計這些月份，絕不使用團隊目標。",
    ),
    "note.period_latest_partial": (
        "The data cover no complete {cycle} period, so this review shows the latest, {period}, which the data cover only in part: no pay, certification or improvement-plan decision is taken.",
        "数据不含完整的{cycle}周期，本回顾显示最近一期 {period}（数据只覆盖其部分时间）：不做奖金、认证或改进计划决定。",
        "數據不含完整的{cycle}週期，本回顧顯示最近一期 {period}（數據只覆蓋其部分時間）：不做獎金、認證或改進計劃決定。",
    ),
    "note.skipped_partial": (
        "Not decided on a partial period: {section} ({period} is covered up to {as_of}; the decision waits for the complete period).",
        "不基于部分期间做决定：{section}（{period} 数据截至 {as_of}；待整期完成后再决定）。",
        "不基於部分期間做決定：{section}（{period} 數據截至 {as_of}；待整期完成後再決定）。",
    ),
    "board.truncated": (
        "Showing the {shown} agents needing most attention (most red lights) out of {total}; every agent is in the scorecard export, and a review of a single team shows its whole board.",
        "仅显示最需关注（红灯最多）的 {shown} 名坐席（共 {total} 名）；全部坐席见记分卡导出文件，按单个团队生成的回顾会显示该团队的完整看板。",
        "僅顯示最需關注（紅燈最多）的 {shown} 名坐席（共 {total} 名）；全部坐席見記分卡匯出檔案，按單個團隊產生的回顧會顯示該團隊的完整看板。",
    ),
    # ---- leaderboard
    "leader.explain": (
        "Ranks under the scheme's weights, with the 5–95 % range of ranks when the weights are perturbed by ±{size:.0%} ({draws} draws). A wide range means the position depends on the weights chosen, not only on performance.",
        "按方案权重的排名，以及权重扰动 ±{size:.0%}（{draws} 次抽样）时排名的 5–95 % 区间。区间宽说明名次取决于权重选择，而不仅是业绩。",
        "按方案權重的排名，以及權重擾動 ±{size:.0%}（{draws} 次抽樣）時排名的 5–95 % 區間。區間寬說明名次取決於權重選擇，而不僅是業績。",
    ),
    "leader.uncertain": (
        "{n} of the top {k} positions are uncertain (the agent is in the top {k} in fewer than {p:.0%} of draws).",
        "前 {k} 名中有 {n} 个名次不稳定（该坐席在不足 {p:.0%} 的抽样中进入前 {k}）。",
        "前 {k} 名中有 {n} 個名次不穩定（該坐席在不足 {p:.0%} 的抽樣中進入前 {k}）。",
    ),
    "leader.small": (
        "Agents marked 'not rankable' have too little data for their rates to be trusted; they are listed but should not be compared by rank.",
        "标记为“不参与排名”的坐席数据量太少，其比率不可靠；列出但不宜按名次比较。",
        "標記為「不參與排名」的坐席數據量太少，其比率不可靠；列出但不宜按名次比較。",
    ),
    # ---- decisions
    "bonus.explain": (
        "A pool of {pool:,.0f} shared in proportion to composite score among agents who pass the scheme's gates{gate_text}.",
        "奖金池 {pool:,.0f} 按综合得分比例分配给通过方案门槛的坐席{gate_text}。",
        "獎金池 {pool:,.0f} 按綜合得分比例分配給通過方案門檻的坐席{gate_text}。",
    ),
    "cert.explain": (
        "Rule: {rule}. Evaluated over the last periods of the history.",
        "规则：{rule}。按历史各期评估。",
        "規則：{rule}。按歷史各期評估。",
    ),
    "pip.explain": (
        "Persistent low performance: bottom tier in at least {k} of the last {n} periods. The evidence column shows the periods and scores that triggered it.",
        "持续低绩效：最近 {n} 期中至少 {k} 期处于最低等级。证据列给出触发的期数与得分。",
        "持續低績效：最近 {n} 期中至少 {k} 期處於最低等級。證據列給出觸發的期數與得分。",
    ),
    "coaching.explain": (
        "Each agent's weakest dimension relative to the team average — the topic for targeted training. Team-wide weak spots appear as the most frequent focus.",
        "每位坐席相对团队平均最弱的维度——针对性培训的主题。出现最多的即团队共性短板。",
        "每位坐席相對團隊平均最弱的維度——針對性培訓的主題。出現最多的即團隊共性短板。",
    ),
    "none": ("None this period.", "本期无。", "本期無。"),
    # ---- health
    "health.explain": (
        "Where the indicators pull against each other or look gamed, strongest evidence first. Each line says what to do about it.",
        "指标之间相互冲突或疑似被操纵之处，按证据强度排序，并给出处理建议。",
        "指標之間相互衝突或疑似被操縱之處，按證據強度排序，並給出處理建議。",
    ),
    "health.none": (
        "No confident conflict or gaming signal in this period's data.",
        "本期数据中没有可靠的指标冲突或操纵信号。",
        "本期數據中沒有可靠的指標衝突或操縱信號。",
    ),
    "scheme.explain": (
        "The scheme checked against the design principles of the sources (3–5 core indicators, volume paired with quality, a long-term indicator, a team component).",
        "对照设计原则检查考核方案（3–5 项核心指标、数量配质量、长期指标、团队指标）。",
        "對照設計原則檢查考核方案（3–5 項核心指標、數量配質量、長期指標、團隊指標）。",
    ),
    "sensitivity.explain": (
        "Nominal weight vs the share of the composite's spread each indicator actually drives. An indicator whose effective share is far below its weight hardly changes anyone's score.",
        "名义权重与各指标对综合得分差异的实际贡献份额对比。实际份额远低于权重的指标几乎不影响得分。",
        "名義權重與各指標對綜合得分差異的實際貢獻份額對比。實際份額遠低於權重的指標幾乎不影響得分。",
    ),
    # ---- agent pages
    "agent.title": (
        "{name} ({agent_id}), team {team}",
        "{name}（{agent_id}），团队 {team}",
        "{name}（{agent_id}），團隊 {team}",
    ),
    "agent.summary": (
        "Composite {composite:.1f}, rank {rank} of {n}, tier {tier}.",
        "综合得分 {composite:.1f}，排名 {rank}/{n}，等级 {tier}。",
        "綜合得分 {composite:.1f}，排名 {rank}/{n}，等級 {tier}。",
    ),
    "agent.strengths": ("Strengths", "优势", "優勢"),
    "agent.weaknesses": ("To work on", "待改进", "待改進"),
    "agent.talking": ("Talking points for the one-to-one", "面谈要点", "面談要點"),
    "agent.trend": ("Trend over the last periods", "近几期趋势", "近幾期趨勢"),
    "agent.vs": (
        "{indicator}: {value} (target {target}, team {team})",
        "{indicator}：{value}（目标 {target}，团队 {team}）",
        "{indicator}：{value}（目標 {target}，團隊 {team}）",
    ),
    "talk.praise": (
        "Praise: {indicator} at {value} is {gap} the team level ({team}) — ask what works and share it with the team.",
        "表扬：{indicator} 为 {value}，{gap}团队水平（{team}）——请其分享有效做法。",
        "表揚：{indicator} 為 {value}，{gap}團隊水平（{team}）——請其分享有效做法。",
    ),
    "talk.problem": (
        "Problem: {indicator} at {value} against a target of {target} ({attainment:.0%} of target). Listen to two recent calls together and find the cause.",
        "问题：{indicator} 为 {value}，目标 {target}（达成 {attainment:.0%}）。一起听两通近期录音，找出原因。",
        "問題：{indicator} 為 {value}，目標 {target}（達成 {attainment:.0%}）。一起聽兩通近期錄音，找出原因。",
    ),
    "talk.plan": (
        "Plan: agree a measurable goal for next period — {indicator} from {value} to {goal}.",
        "计划：约定下期可衡量目标——{indicator} 从 {value} 提升到 {goal}。",
        "計劃：約定下期可衡量目標——{indicator} 從 {value} 提升到 {goal}。",
    ),
    "talk.plan_lower": (
        "Plan: agree a measurable goal for next period — {indicator} down from {value} to {goal}.",
        "计划：约定下期可衡量目标——{indicator} 从 {value} 降到 {goal}。",
        "計劃：約定下期可衡量目標——{indicator} 從 {value} 降到 {goal}。",
    ),
    "talk.trend_up": (
        "Trend: composite up {delta:+.1f} points over the last {n} periods — recognise the progress.",
        "趋势：近 {n} 期综合得分上升 {delta:+.1f} 分——肯定进步。",
        "趨勢：近 {n} 期綜合得分上升 {delta:+.1f} 分——肯定進步。",
    ),
    "talk.trend_down": (
        "Trend: composite down {delta:+.1f} points over the last {n} periods — ask what changed.",
        "趋势：近 {n} 期综合得分下降 {delta:+.1f} 分——了解发生了什么变化。",
        "趨勢：近 {n} 期綜合得分下降 {delta:+.1f} 分——了解發生了什麼變化。",
    ),
    "better": ("better than", "优于", "優於"),
    "worse": ("worse than", "不及", "不及"),
    "agent.pages_truncated": (
        "Pages for {shown} of {total} agents (bonus, certification and PIP candidates first); a review of a single team has a page for each of its agents.",
        "显示 {total} 名中 {shown} 名坐席的面谈页（优先奖金、认证和 PIP 候选人）；按单个团队生成的回顾会为该团队每名坐席提供面谈页。",
        "顯示 {total} 名中 {shown} 名坐席的面談頁（優先獎金、認證和 PIP 候選人）；按單個團隊產生的回顧會為該團隊每名坐席提供面談頁。",
    ),
    # ---- data
    "data.explain": (
        "Rows read, used and set aside per table. Set-aside rows are never dropped silently: the data-quality report lists each with its reason.",
        "各表读取、使用与隔离的行数。隔离行不会被悄悄丢弃：数据质量报告逐条列出原因。",
        "各表讀取、使用與隔離的行數。隔離行不會被悄悄丟棄：數據質量報告逐條列出原因。",
    ),
    "notes": ("Notes on method", "方法说明", "方法說明"),
    "pip.evidence": (
        "In a bottom tier in {low} of the last {window} periods ({periods}); composites {composites}.",
        "最近 {window} 期中有 {low} 期处于最低等级（{periods}）；综合得分 {composites}。",
        "最近 {window} 期中有 {low} 期處於最低等級（{periods}）；綜合得分 {composites}。",
    ),
    "cert.evidence": (
        "{streak} consecutive qualifying periods, the latest {last}.",
        "连续 {streak} 期达标，最近一期 {last}。",
        "連續 {streak} 期達標，最近一期 {last}。",
    ),
    "cert.rule.custom": (
        "{name}: {n} consecutive periods with {conditions}",
        "{name}：连续 {n} 期满足 {conditions}",
        "{name}：連續 {n} 期滿足 {conditions}",
    ),
    "cert.rule": (
        "two consecutive months with satisfaction >= 95 % and the sales target met",
        "连续两个月满意度 >= 95 % 且完成销售目标",
        "連續兩個月滿意度 >= 95 % 且完成銷售目標",
    ),
    "partial_period": (
        "The data covers only {share:.0%} of {period}: its scores and any comparison with it rest on part of the period.",
        "数据仅覆盖 {period} 的 {share:.0%}：该期得分及与之的比较只基于部分时间。",
        "數據僅覆蓋 {period} 的 {share:.0%}：該期得分及與之的比較只基於部分時間。",
    ),
    # ---- page headers: what each page covers (the same specification on every page)
    "page.period_review": ("Period review", "绩效回顾", "績效回顧"),
    "page.scorecard": ("Scorecard", "计分卡", "計分卡"),
    "page.conflict_diagnosis": ("Indicator-conflict diagnosis", "指标冲突诊断", "指標衝突診斷"),
    "page.data_quality": (
        "Data quality and QA calibration",
        "数据质量与质检校准",
        "數據質量與質檢校準",
    ),
    "page.weight_sensitivity": ("Weight sensitivity", "权重敏感性", "權重敏感性"),
    "page.before_after": ("Before / after a scheme change", "方案调整前后对比", "方案調整前後對比"),
    "index.h.headline": ("Headline", "要点", "要點"),
    "index.lights": (
        "Red, yellow and green per indicator for the {n} agents scored in {period}:",
        "{period} 参与评分的 {n} 名坐席各指标的红黄绿分布：",
        "{period} 參與評分的 {n} 名坐席各指標的紅黃綠分佈：",
    ),
    "index.col.indicator": ("Indicator", "指标", "指標"),
    "index.col.red": ("Red", "红", "紅"),
    "index.col.yellow": ("Yellow", "黄", "黃"),
    "index.col.green": ("Green", "绿", "綠"),
    "index.h.attention": ("Needs attention", "需要关注", "需要關注"),
    "index.h.changed": ("What changed", "变化情况", "變化情況"),
    "index.attention": (
        "Performance-improvement candidates, {shown} of {total} shown (full list: {link}).",
        "绩效改进候选人，显示 {total} 人中的 {shown} 人（完整名单：{link}）。",
        "績效改進候選人，顯示 {total} 人中的 {shown} 人（完整名單：{link}）。",
    ),
    "index.pip_evidence": (
        "in the lowest tiers in {low} of the last {n} periods ({periods}); composites {composites}",
        "最近 {n} 期中有 {low} 期处于最低档（{periods}）；综合得分 {composites}",
        "最近 {n} 期中有 {low} 期處於最低檔（{periods}）；綜合得分 {composites}",
    ),
    "index.no_pip": (
        "No agent meets the performance-improvement rule in this period.",
        "本期没有坐席符合绩效改进规则。",
        "本期沒有坐席符合績效改進規則。",
    ),
    "index.h.pages": ("Pages", "页面", "頁面"),
    "index.col.page": ("Page", "页面", "頁面"),
    "index.col.covers": ("Covers", "覆盖范围", "覆蓋範圍"),
    "index.col.status": ("Status", "状态", "狀態"),
    "index.status.ok": ("ready", "已完成", "已完成"),
    "index.status.failed": ("failed", "失败", "失敗"),
    "index.h.exports": ("Decisions to download", "决定下载", "決定下載"),
    "index.exports": (
        "Bonus, commission, certification, PIP, coaching and the scorecard, one row per agent, "
        "as CSV (opens in Excel) and one XLSX workbook:",
        "奖金、提成、认证、绩效改进、辅导和计分卡，每名坐席一行，提供 CSV（可用 Excel 打开）和 XLSX 工作簿：",
        "獎金、提成、認證、績效改進、輔導和計分卡，每名坐席一行，提供 CSV（可用 Excel 開啟）和 XLSX 活頁簿：",
    ),
    "review.col.indicator_id": (
        "indicator id (scheme file)",
        "指标代码（方案文件）",
        "指標代碼（方案檔案）",
    ),
    "index.currency": (
        "Amounts of money are in {currency}.",
        "金额单位：{currency}。",
        "金額單位：{currency}。",
    ),
    "index.h.spot_check": ("QA spot check", "质检抽检", "質檢抽檢"),
    "index.spot_check": (
        "The calls drawn for the QA team to listen to this period. Reviewers fill in the sheet "
        "and save it where it is (the spot_check folder of this review); the next run of this "
        "review reads their verdicts into every page:",
        "本期抽出的、供质检团队听录音复核的通话。复核员填写抽检表后原地保存（本评审的 spot_check "
        "文件夹）；再次运行本评审时，各页面都会采用他们的判定：",
        "本期抽出的、供質檢團隊聽錄音複核的通話。複核員填寫抽檢表後原地儲存（本評審的 spot_check "
        "資料夾）；再次執行本評審時，各頁面都會採用他們的判定：",
    ),
    "index.h.data": ("Data read", "读取的数据", "讀取的數據"),
    "index.col.table": ("Table", "数据表", "數據表"),
    "index.col.read": ("Rows read", "读取行数", "讀取行數"),
    "index.col.used": ("Used", "使用", "使用"),
    "index.col.aside": ("Set aside", "隔离", "隔離"),
    "index.col.filtered": ("Filtered at import", "导入时筛除", "匯入時篩除"),
    "index.about": (
        "Dataset {dataset} (fingerprint {fingerprint}), generated {finished} by kpi-workbench "
        "{version}. Every page was computed from one stored review, specification {hash}.",
        "数据集 {dataset}（指纹 {fingerprint}），由 kpi-workbench {version} 于 {finished} 生成。"
        "所有页面均来自同一份已存储的回顾，规格 {hash}。",
        "數據集 {dataset}（指紋 {fingerprint}），由 kpi-workbench {version} 於 {finished} 生成。"
        "所有頁面均來自同一份已儲存的回顧，規格 {hash}。",
    ),
    # ---- formatting: values and the column headers of manager tables
    "fmt.no_data": ("no data", "无数据", "無數據"),
    "fmt.yes": ("yes", "是", "是"),
    "fmt.no": ("no", "否", "否"),
    "fmt.seconds": ("{value} s", "{value} 秒", "{value} 秒"),
    "fmt.minutes": ("{value} min", "{value} 分钟", "{value} 分鐘"),
    "col.agent_id": ("agent id", "坐席编号", "坐席編號"),
    "col.period": ("period", "期间", "期間"),
    "col.rank_range": ("plausible ranks", "可能排名范围", "可能排名範圍"),
    "col.eligible": ("eligible", "符合资格", "符合資格"),
    "col.value": ("value", "数值", "數值"),
    "col.target": ("target", "目标", "目標"),
    "col.attainment": ("attainment", "达成率", "達成率"),
    "col.calls": ("calls", "通话数", "通話數"),
    "nav.index": ("Review index", "回顾目录", "回顧目錄"),
    "nav.label": ("Pages of this review", "本次回顾的页面", "本次回顧的頁面"),
    "nav.contents": ("On this page", "本页内容", "本頁內容"),
    "page.title": (
        "{page} — {cycle_name} review {period}",
        "{page} — {cycle_name}回顾 {period}",
        "{page} — {cycle_name}回顧 {period}",
    ),
    "window.period": (
        "Covers {period} ({start} to {end}), {team}; scores and decisions for {scored}.",
        "覆盖 {period}（{start} 至 {end}），{team}；得分与决定针对 {scored}。",
        "覆蓋 {period}（{start} 至 {end}），{team}；得分與決定針對 {scored}。",
    ),
    "window.conflict": (
        "Conflict diagnosis: the {n} months ending {to} ({start} to {to}), {team}.",
        "指标冲突诊断：截至 {to} 的 {n} 个月（{start} 至 {to}），{team}。",
        "指標衝突診斷：截至 {to} 的 {n} 個月（{start} 至 {to}），{team}。",
    ),
    "window.conflict_one": (
        "Conflict diagnosis: the month {to} only (the data holds no earlier month), {team}.",
        "指标冲突诊断：仅 {to} 一个月（数据中无更早月份），{team}。",
        "指標衝突診斷：僅 {to} 一個月（數據中無更早月份），{team}。",
    ),
    "window.data": (
        "Coverage: the whole dataset ({start} to {end}); spot check and corrected rates: {period}.",
        "覆盖情况：全部数据（{start} 至 {end}）；抽检与校正比率：{period}。",
        "覆蓋情況：全部數據（{start} 至 {end}）；抽檢與校正比率：{period}。",
    ),
    "window.sensitivity": (
        "Weight sensitivity of the scores of {scored} under scheme {scheme}.",
        "{scored} 得分在方案 {scheme} 下的权重敏感性。",
        "{scored} 得分在方案 {scheme} 下的權重敏感性。",
    ),
    "window.before_after": (
        "Before / after study: the windows are stated below; data up to {end}.",
        "前后对比研究：时间窗见下文；数据截至 {end}。",
        "前後對比研究：時間窗見下文；數據截至 {end}。",
    ),
    "window.spec": (
        "Review specification {hash}: every page of this review shows the same one.",
        "考核规格 {hash}：本次回顾的每一页均相同。",
        "考核規格 {hash}：本次回顧的每一頁均相同。",
    ),
    "note.spot_check_returned": (
        "Spot-check sheet {sheet} read back: {used} reviewed call(s) joined the QA reviews, "
        "{aside} set aside (calls not in the data); the sheet is kept under spot_check/returned.",
        "已读回抽检表 {sheet}：{used} 条人工复核并入质检记录，{aside} 条因数据中无此通话而搁置；原表保存在 spot_check/returned。",
        "已讀回抽檢表 {sheet}：{used} 條人工複核併入質檢記錄，{aside} 條因數據中無此通話而擱置；原表保存在 spot_check/returned。",
    ),
    "note.spot_check_unreadable": (
        "Spot-check sheet {sheet} could not be read ({reason}); it is kept under "
        "spot_check/returned, unused: correct it and run the review again.",
        "抽检表 {sheet} 无法读取（{reason}）；已保存在 spot_check/returned 未使用：修正后请重新运行。",
        "抽檢表 {sheet} 無法讀取（{reason}）；已保存在 spot_check/returned 未使用：修正後請重新運行。",
    ),
    "note.skipped": (
        "Not computed for this data: {section} ({reason}).",
        "此数据无法计算：{section}（{reason}）。",
        "此數據無法計算：{section}（{reason}）。",
    ),
    "note.no_rank_study": (
        "Only {agents} agents could be scored, too few for the rank-uncertainty study.",
        "仅 {agents} 名坐席可计分，不足以做排名不确定性分析。",
        "僅 {agents} 名坐席可計分，不足以做排名不確定性分析。",
    ),
    # ---- a scheme adapted to the data, sections that could not be computed
    "scheme_adapted": (
        "Scheme {scheme} adapted to this data — dropped because the dataset cannot provide "
        "them: {dropped}. {weights_text}",
        "考核方案 {scheme} 已按本数据调整——因本数据无法提供而移除：{dropped}。{weights_text}",
        "考核方案 {scheme} 已按本數據調整——因本數據無法提供而移除：{dropped}。{weights_text}",
    ),
    "scheme_adapted.weights": (
        "The remaining weights were rescaled: {weights}.",
        "其余权重已重新归一：{weights}。",
        "其餘權重已重新歸一：{weights}。",
    ),
    "scheme_adapted.same": (
        "The weights are unchanged.",
        "权重不变。",
        "權重不變。",
    ),
    "scheme_adapted.item": (
        "{indicator} (needs {needs})",
        "{indicator}（需要 {needs}）",
        "{indicator}（需要 {needs}）",
    ),
    "scheme_adapted.gate": (
        "the gate on {indicator} (needs {needs})",
        "{indicator}门槛（需要 {needs}）",
        "{indicator}門檻（需要 {needs}）",
    ),
    "skip.needs": (
        "needs {indicators} ({needs})",
        "需要 {indicators}（{needs}）",
        "需要 {indicators}（{needs}）",
    ),
    "skip.not_scored": (
        "the scheme does not score {indicators}",
        "考核方案未对 {indicators} 计分",
        "考核方案未對 {indicators} 計分",
    ),
    "skip.no_scores": (
        "no agent has a score in this period",
        "本期没有坐席得分",
        "本期沒有坐席得分",
    ),
    "skip.off": ("switched off in the scheme", "考核方案中已关闭", "考核方案中已關閉"),
    "skip.no_table": (
        "the dataset has no {needs} table",
        "数据中没有 {needs} 表",
        "數據中沒有 {needs} 表",
    ),
    "skip.one_reviewer": (
        "needs at least two human reviewers judging the same calls; the data hold {n}",
        "需要至少两名人工复核员评审相同通话；数据中只有 {n} 名",
        "需要至少兩名人工複核員評審相同通話；數據中只有 {n} 名",
    ),
    "skip.no_pairs": (
        "no call was judged by both the QA system and a human reviewer",
        "没有同时经质检系统与人工复核评判的通话",
        "沒有同時經質檢系統與人工複核評判的通話",
    ),
    "skip.error": (
        "the calculation could not run on this data",
        "此数据无法完成该计算",
        "此數據無法完成該計算",
    ),
    "skip.partial_period": (
        "the period is covered only in part",
        "该期间数据不完整",
        "該期間數據不完整",
    ),
    "skip.no_analysis": (
        "the analysis could not run on this data: {why}",
        "此数据无法运行该分析：{why}",
        "此數據無法運行該分析：{why}",
    ),
    "skipped.section": (
        "{section}: not available for this data — {reason}. The rest of the report goes on.",
        "{section}：本数据无法提供——{reason}。报告其余部分照常。",
        "{section}：本數據無法提供——{reason}。報告其餘部分照常。",
    ),
    "section.certification": ("Certification", "认证", "認證"),
    "section.pip": ("Improvement plan", "绩效改进计划", "績效改進計劃"),
    "section.coaching": ("Coaching focus", "辅导重点", "輔導重點"),
    "section.commission": ("Commission bands", "提成档位", "提成檔位"),
    "section.weak_spots": ("Team weak spots", "团队共性短板", "團隊共性短板"),
    "section.attainability": ("Target attainability", "目标可达性", "目標可達性"),
    "section.shrinkage": ("Small samples", "小样本", "小樣本"),
    "section.qa_agreement": (
        "Automatic vs human judgements",
        "系统与人工评判对比",
        "系統與人工評判對比",
    ),
    "section.qa_flags": (
        "Agents whose system-measured rates look inflated",
        "系统测量比率疑似偏高的坐席",
        "系統測量比率疑似偏高的坐席",
    ),
    "section.qa_corrected": ("Corrected indicators", "校正后的指标", "校正後的指標"),
    "section.qa_reviewers": (
        "Consistency of the human reviewers",
        "人工复核员一致性",
        "人工複核員一致性",
    ),
    "section.spot_check": ("Next spot check", "下次抽检", "下次抽檢"),
    "no_calls": (
        "No usable calls in {period}: every call of the period was set aside or none was "
        "exported, so nothing can be scored. Check the load report below (kpi validate) and "
        "the export.",
        "{period} 没有可用通话：该期通话全部被隔离或未导出，无法计分。请查看下方加载报告（kpi validate）与导出文件。",
        "{period} 沒有可用通話：該期通話全部被隔離或未導出，無法計分。請查看下方載入報告（kpi validate）與匯出檔案。",
    ),
    "col.agent": ("agent", "坐席", "坐席"),
    "col.team": ("team", "团队", "團隊"),
    "col.rank": ("rank", "排名", "排名"),
    "col.composite": ("composite", "综合得分", "綜合得分"),
    "col.tier": ("tier", "等级", "等級"),
    "col.range": ("rank range 5–95 %", "排名区间 5–95 %", "排名區間 5–95 %"),
    "col.p_top": ("P(top k)", "进入前 k 概率", "進入前 k 機率"),
    "col.note": ("note", "备注", "備註"),
    "col.bonus": ("bonus", "奖金", "獎金"),
    "col.reason": ("not eligible because", "不符合原因", "不符合原因"),
    "col.periods": ("periods", "期间", "期間"),
    "col.evidence": ("evidence", "证据", "證據"),
    "col.dimension": ("dimension", "维度", "維度"),
    "col.agents": ("agents", "人数", "人數"),
    "col.table": ("table", "数据表", "數據表"),
    "col.rows_read": ("rows read", "读取行数", "讀取行數"),
    "col.rows_used": ("rows used", "使用行数", "使用行數"),
    "col.rows_quarantined": ("rows set aside", "隔离行数", "隔離行數"),
    "col.severity": ("severity", "严重程度", "嚴重程度"),
    "col.code": ("check", "检查项", "檢查項"),
    "col.indicator": ("indicator", "指标", "指標"),
    "col.message": ("finding", "说明", "說明"),
    "col.weight": ("weight", "名义权重", "名義權重"),
    "col.effective": ("effective share", "实际份额", "實際份額"),
    "col.influence": ("influence", "影响", "影響"),
    "col.not_rankable": ("not rankable", "不参与排名", "不參與排名"),
    "col.uncertain": ("uncertain", "名次不稳定", "名次不穩定"),
    # ---- indicator-health findings (Chinese wording; English comes from conflict_text)
    "finding.conflict": (
        "",
        "{a} 与 {b} 相互冲突（相关系数 {effect:.2f}）。",
        "{a} 與 {b} 相互衝突（相關係數 {effect:.2f}）。",
    ),
    "finding.redundant": (
        "",
        "{a} 与 {b} 高度重复（相关系数 {effect:.2f}），重复计分。",
        "{a} 與 {b} 高度重複（相關係數 {effect:.2f}），重複計分。",
    ),
    "finding.simpson": (
        "",
        "{a} 与 {b} 在坐席内部与坐席之间的关系方向相反（辛普森悖论提示）。",
        "{a} 與 {b} 在坐席內部與坐席之間的關係方向相反（辛普森悖論提示）。",
    ),
    "finding.expected_contradicted": (
        "",
        "{a} 与 {b} 本应同向变化，数据却相反（{effect:.2f}）。",
        "{a} 與 {b} 本應同向變化，數據卻相反（{effect:.2f}）。",
    ),
    "finding.trend_conflict": (
        "",
        "团队 {team}：{a} 改善的同时 {b} 恶化。",
        "團隊 {team}：{a} 改善的同時 {b} 惡化。",
    ),
    "finding.harmful_indicator": (
        "",
        "{a} 越高的坐席，{b} 反而越差（控制工龄、团队、月份后）。",
        "{a} 越高的坐席，{b} 反而越差（控制工齡、團隊、月份後）。",
    ),
    "finding.bunching": (
        "",
        "坐席 {agent}：通话时长在有效通话门槛之后异常集中（超出 {effect:.0%}）——疑似拖长通话以计为有效。",
        "坐席 {agent}：通話時長在有效通話門檻之後異常集中（超出 {effect:.0%}）——疑似拖長通話以計為有效。",
    ),
    "finding.call_padding": (
        "",
        "坐席 {agent}：外呼目标提高后短通话明显增多——疑似刷量。",
        "坐席 {agent}：外呼目標提高後短通話明顯增多——疑似刷量。",
    ),
    "finding.need_intent_mismatch": (
        "",
        "坐席 {agent}：标记“已获取需求”的通话中客户意向为零的比例偏高。",
        "坐席 {agent}：標記「已獲取需求」的通話中客戶意向為零的比例偏高。",
    ),
    "finding.over_promising": (
        "",
        "坐席 {agent}：销售高但客户投诉多或复购少——疑似过度承诺。",
        "坐席 {agent}：銷售高但客戶投訴多或複購少——疑似過度承諾。",
    ),
    "finding.selective_surveys": (
        "",
        "坐席 {agent}：被调查的通话明显优于其其他通话——满意度调查疑似被挑选。",
        "坐席 {agent}：被調查的通話明顯優於其其他通話——滿意度調查疑似被挑選。",
    ),
    "evidence.strong": ("strong", "证据强", "證據強"),
    "evidence.moderate": ("moderate", "证据中等", "證據中等"),
    "evidence.weak": ("weak", "证据弱", "證據弱"),
    "action.replace_indicator": (
        "",
        "更换指标（如以有效通话时长代替通话数，或加入“客户提问数”）。",
        "更換指標（如以有效通話時長代替通話數，或加入「客戶提問數」）。",
    ),
    "action.lower_weight": (
        "",
        "降低引发错误行为的指标权重，并加入通话质量评分。",
        "降低引發錯誤行為的指標權重，並加入通話質量評分。",
    ),
    "action.merge_indicators": (
        "",
        "合并重复指标，保留 3–5 个核心指标。",
        "合併重複指標，保留 3–5 個核心指標。",
    ),
    "action.add_quality_gate": (
        "",
        "为数量指标配对质量指标；话术合规作为门槛。",
        "為數量指標配對質量指標；話術合規作為門檻。",
    ),
    "action.add_long_term_indicator": (
        "",
        "加入复购 / LTV 等长期指标，避免过度承诺。",
        "加入複購 / LTV 等長期指標，避免過度承諾。",
    ),
    "action.review_recordings": (
        "",
        "抽查该坐席约 10 % 的录音后再下结论。",
        "抽查該坐席約 10 % 的錄音後再下結論。",
    ),
    "action.audit_surveys": (
        "",
        "满意度短信应自动发送，而非由坐席决定。",
        "滿意度短信應自動發送，而非由坐席決定。",
    ),
    "action.check_level": (
        "",
        "先明确方案要回答的是坐席内部还是坐席之间的问题，再调整权重。",
        "先明確方案要回答的是坐席內部還是坐席之間的問題，再調整權重。",
    ),
}

# the pages' own sentences (one module per page) join the one catalogue
TEXTS = merge_catalogues(TEXTS, PAGE_TEXTS)


def text(key: str, language: str = "en", **values) -> str:
    """The sentence ``key`` in ``language``, with ``values`` filled in.

    Examples
    --------
    >>> text("h.board", "zh-Hant")
    '紅黃綠看板'
    """
    check_option("language", language, LANGUAGES)
    try:
        forms = TEXTS[key]
    except KeyError:
        raise KeyError(f"No review text {key!r}; known keys: {sorted(TEXTS)[:10]}...") from None
    return forms[LANGUAGES.index(language)].format(**values)
