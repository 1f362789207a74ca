"""Sentences, headings, table headers, axis labels and legends of the period review page beyond review_text's sentences (decisions, coaching, what changed).

key -> (English, Simplified Chinese, Traditional Chinese); ``{name}`` fields are filled by
:func:`kpi_lib.report.review_text.text`. Keys start with the module's prefix, so that no two
pages can define the same key (a test checks the whole catalogue).
"""

TEXTS: dict[str, tuple[str, str, str]] = {
    # ---- headline
    "review.intro": (
        "Team: {team}. Scheme: {scheme}. {n_agents} agents scored on {n_indicators} indicators: {indicators}. Data: {dataset}.",
        "团队：{team}。考核方案：{scheme}。共 {n_agents} 名坐席，考核 {n_indicators} 项指标：{indicators}。数据：{dataset}。",
        "團隊：{team}。考核方案：{scheme}。共 {n_agents} 名坐席，考核 {n_indicators} 項指標：{indicators}。數據：{dataset}。",
    ),
    "review.headline.drivers": (
        "What moved the average composite ({delta} points): {drivers}.",
        "平均综合得分变化（{delta} 分）的主要来源：{drivers}。",
        "平均綜合得分變化（{delta} 分）的主要來源：{drivers}。",
    ),
    "review.driver": (
        "{indicator} {points} points",
        "{indicator} {points} 分",
        "{indicator} {points} 分",
    ),
    "review.sep": (", ", "、", "、"),
    "review.none": ("Nobody this period.", "本期无。", "本期無。"),
    "review.nothing": ("Nothing to note this period.", "本期无。", "本期無。"),
    # ---- what changed
    "review.h.changes": (
        "What changed since {previous}, and why",
        "与 {previous} 相比的变化及原因",
        "與 {previous} 相比的變化及原因",
    ),
    "review.changes.explain": (
        "For the {agents} agents scored in both periods the average composite went from {before} to {after} ({delta} points). Each indicator's part is its weight times the change of its score (0–100); the parts add up to the change.",
        "两期均有得分的 {agents} 名坐席，平均综合得分从 {before} 变为 {after}（{delta} 分）。每项指标的贡献 = 权重 × 该指标得分（0–100）的变化，各项相加即总变化。",
        "兩期均有得分的 {agents} 名坐席，平均綜合得分從 {before} 變為 {after}（{delta} 分）。每項指標的貢獻 = 權重 × 該指標得分（0–100）的變化，各項相加即總變化。",
    ),
    "review.changes.other": (
        "{other} points are not explained by the indicators: composites rescaled for missing values or set to 0 by a gate.",
        "{other} 分无法由各指标解释：来自缺失值的权重重算或门槛将综合得分置 0。",
        "{other} 分無法由各指標解釋：來自缺失值的權重重算或門檻將綜合得分置 0。",
    ),
    "review.changes.teams": (
        "By team: the average composite change and the indicator that moved it most.",
        "按团队：平均综合得分变化及影响最大的指标。",
        "按團隊：平均綜合得分變化及影響最大的指標。",
    ),
    "review.changes.tiers": (
        "Agents per tier, then and now.",
        "各等级人数：上期与本期。",
        "各等級人數：上期與本期。",
    ),
    "review.changes.trends": (
        "Each small chart is one indicator: the average score (0–100) of each team over the last {n} periods.",
        "每个小图为一项指标：各团队近 {n} 期的平均得分（0–100）。",
        "每個小圖為一項指標：各團隊近 {n} 期的平均得分（0–100）。",
    ),
    "review.changes.one_period": (
        "Only one period in the history: no trend yet.",
        "历史数据只有一期：暂无趋势。",
        "歷史數據只有一期：暫無趨勢。",
    ),
    "review.details.changes": (
        "Every team and indicator (analyst detail)",
        "各团队、各指标明细（分析用）",
        "各團隊、各指標明細（分析用）",
    ),
    "review.col.indicator": ("indicator", "指标", "指標"),
    "review.col.value_before": ("median before", "上期中位数", "上期中位數"),
    "review.col.value_after": ("median now", "本期中位数", "本期中位數"),
    "review.col.score_before": ("score before", "上期得分", "上期得分"),
    "review.col.score_after": ("score now", "本期得分", "本期得分"),
    "review.col.score_change": ("score change", "得分变化", "得分變化"),
    "review.col.points": (
        "points of the composite",
        "对综合得分的影响（分）",
        "對綜合得分的影響（分）",
    ),
    "review.col.composite_before": ("average before", "上期平均", "上期平均"),
    "review.col.composite_after": ("average now", "本期平均", "本期平均"),
    "review.col.composite_change": ("change (points)", "变化（分）", "變化（分）"),
    "review.col.main_driver": ("moved most by", "影响最大的指标", "影響最大的指標"),
    "review.col.tier_up": ("up a tier", "升级人数", "升級人數"),
    "review.col.tier_down": ("down a tier", "降级人数", "降級人數"),
    "review.col.agents_before": ("agents before", "上期人数", "上期人數"),
    "review.col.agents_after": ("agents now", "本期人数", "本期人數"),
    "review.col.tier": ("tier", "等级", "等級"),
    "review.col.agents": ("agents", "人数", "人數"),
    "review.col.team": ("team", "团队", "團隊"),
    "review.col.agent": ("agent", "坐席", "坐席"),
    "review.no_tier": ("no tier", "无等级", "無等級"),
    # ---- lists cut short
    "review.shown": (
        "{shown} of {total} shown; the full list is in {link}.",
        "显示 {total} 人中的 {shown} 人；完整名单见 {link}。",
        "顯示 {total} 人中的 {shown} 人；完整名單見 {link}。",
    ),
    "review.all_shown": (
        "All {total} shown; also in {link}.",
        "共 {total} 人，全部显示；亦见 {link}。",
        "共 {total} 人，全部顯示；亦見 {link}。",
    ),
    # ---- bonus
    "review.bonus.explain": (
        "A pool of {pool} shared in proportion to composite score among agents who pass the scheme's gates ({gates}).",
        "奖金池 {pool} 按综合得分比例分配给通过方案门槛（{gates}）的坐席。",
        "獎金池 {pool} 按綜合得分比例分配給通過方案門檻（{gates}）的坐席。",
    ),
    "review.bonus.explain_nogate": (
        "A pool of {pool} shared in proportion to composite score.",
        "奖金池 {pool} 按综合得分比例分配。",
        "獎金池 {pool} 按綜合得分比例分配。",
    ),
    "review.bonus.summary": (
        "{eligible} of {total} agents receive a bonus; {not_eligible} do not, each with the reason below.",
        "{total} 名坐席中 {eligible} 人获得奖金；{not_eligible} 人未获得，原因见下表。",
        "{total} 名坐席中 {eligible} 人獲得獎金；{not_eligible} 人未獲得，原因見下表。",
    ),
    "review.bonus.held_summary": (
        "{held} bonuses are held until reviewed (paid later, nobody else's bonus changes).",
        "{held} 笔奖金暂缓发放，待复核（之后补发，不影响他人奖金）。",
        "{held} 筆獎金暫緩發放，待複核（之後補發，不影響他人獎金）。",
    ),
    "review.gate.min": (
        "{indicator} at least {value}",
        "{indicator}不低于 {value}",
        "{indicator}不低於 {value}",
    ),
    "review.gate.max": (
        "{indicator} at most {value}",
        "{indicator}不高于 {value}",
        "{indicator}不高於 {value}",
    ),
    "review.col.status": ("why", "说明", "說明"),
    "review.col.bonus": ("bonus", "奖金", "獎金"),
    "review.col.payable": ("payable now", "本期可发", "本期可發"),
    "review.col.composite": ("composite", "综合得分", "綜合得分"),
    "review.status.paid": ("eligible", "符合条件", "符合條件"),
    "review.status.no_composite": (
        "no composite: too few indicators with a value",
        "无综合得分：有数值的指标太少",
        "無綜合得分：有數值的指標太少",
    ),
    "review.status.gate": (
        "gate not passed: {failures}",
        "未通过门槛：{failures}",
        "未通過門檻：{failures}",
    ),
    "review.status.gate_min": (
        "{indicator} {value}, minimum {limit}",
        "{indicator} {value}，最低要求 {limit}",
        "{indicator} {value}，最低要求 {limit}",
    ),
    "review.status.gate_max": (
        "{indicator} {value}, maximum {limit}",
        "{indicator} {value}，最高限制 {limit}",
        "{indicator} {value}，最高限制 {limit}",
    ),
    "review.status.gate_missing": (
        "{indicator} has no value",
        "{indicator}无数据",
        "{indicator}無數據",
    ),
    "review.status.below_min": (
        "composite below the minimum",
        "综合得分低于最低要求",
        "綜合得分低於最低要求",
    ),
    "review.status.tier": (
        "tier {tier} earns no bonus",
        "{tier} 级不发奖金",
        "{tier} 級不發獎金",
    ),
    "review.status.not_eligible": ("not eligible", "不符合条件", "不符合條件"),
    "review.hold.small_sample": (
        "bonus held: only {calls} calls, plausible ranks {low}–{high}",
        "奖金暂缓：仅 {calls} 通电话，可能排名 {low}–{high}",
        "獎金暫緩：僅 {calls} 通電話，可能排名 {low}–{high}",
    ),
    "review.hold.small_sample_rank": (
        "bonus held: only {calls} calls",
        "奖金暂缓：仅 {calls} 通电话",
        "獎金暫緩：僅 {calls} 通電話",
    ),
    "review.hold.gaming_flag": (
        "bonus held until the {check} warning is reviewed",
        "奖金暂缓，待复核{check}预警",
        "獎金暫緩，待複核{check}預警",
    ),
    "review.hold.unrankable": (
        "read with care: results too uncertain to rank",
        "请谨慎解读：结果不确定性太大，无法排名",
        "請謹慎解讀：結果不確定性太大，無法排名",
    ),
    "review.check.bunching": ("call-length", "通话时长卡线", "通話時長卡線"),
    "review.check.call_padding": ("call-padding", "刷通话量", "刷通話量"),
    "review.check.need_intent": ("need/intent mismatch", "需求与意向不符", "需求與意向不符"),
    "review.check.over_promising": ("over-promising", "过度承诺", "過度承諾"),
    "review.check.selective_surveys": ("selective-survey", "选择性调查", "選擇性調查"),
    "review.check.other": ("gaming", "异常行为", "異常行為"),
    # ---- certification
    "review.cert.rule": (
        "{n} periods in a row with {conditions}",
        "连续 {n} 期满足：{conditions}",
        "連續 {n} 期滿足：{conditions}",
    ),
    "review.cond.value": (
        "{indicator} {op} {value}",
        "{indicator} {op} {value}",
        "{indicator} {op} {value}",
    ),
    "review.cond.attainment": (
        "{indicator} at {op} {value} of target",
        "{indicator}目标达成率 {op} {value}",
        "{indicator}目標達成率 {op} {value}",
    ),
    "review.cond.score": (
        "{indicator} score {op} {value}",
        "{indicator}得分 {op} {value}",
        "{indicator}得分 {op} {value}",
    ),
    "review.cond.and": (" and ", "且", "且"),
    "review.cert.summary": (
        "{n} agents meet the rule now (a streak of {needed} or more periods ending in {period}).",
        "{n} 名坐席目前满足规则（截至 {period} 连续 {needed} 期或以上）。",
        "{n} 名坐席目前滿足規則（截至 {period} 連續 {needed} 期或以上）。",
    ),
    "review.cert.close": (
        "Close: {n} agents met it in {period} and need one more period.",
        "接近：{n} 名坐席在 {period} 达标，再达标一期即可。",
        "接近：{n} 名坐席在 {period} 達標，再達標一期即可。",
    ),
    "review.col.current_streak": (
        "periods in a row, up to now",
        "截至本期连续达标期数",
        "截至本期連續達標期數",
    ),
    "review.col.qualifying": ("qualifying periods", "达标期间", "達標期間"),
    "review.col.evidence": ("evidence", "依据", "依據"),
    "review.cert.evidence": ("{period}: {values}", "{period}：{values}", "{period}：{values}"),
    "review.cert.value": ("{indicator} {value}", "{indicator} {value}", "{indicator} {value}"),
    "review.cert.attainment": (
        "{indicator} {value} of target",
        "{indicator}达成 {value}",
        "{indicator}達成 {value}",
    ),
    # ---- PIP
    "review.col.low": ("periods in the bottom tier", "处于最低等级的期数", "處於最低等級的期數"),
    "review.pip.low": ("{low} of {window}", "{window} 期中 {low} 期", "{window} 期中 {low} 期"),
    "review.col.latest": ("composite now", "本期综合得分", "本期綜合得分"),
    # ---- coaching
    "review.coach.explain": (
        "Each agent's weakest dimension relative to the team average, and the indicator in it to work on first.",
        "每位坐席相对团队平均最弱的维度，以及该维度中首先要改进的指标。",
        "每位坐席相對團隊平均最弱的維度，以及該維度中首先要改進的指標。",
    ),
    "review.coach.frequent": (
        "Most frequent focus: {dims}.",
        "最常见的辅导重点：{dims}。",
        "最常見的輔導重點：{dims}。",
    ),
    "review.coach.count": ("{dimension} ({n})", "{dimension}（{n} 人）", "{dimension}（{n} 人）"),
    "review.coach.evidence": (
        "{value} against a team median of {team}; score {score} vs team {team_score}",
        "{value}，团队中位数 {team}；得分 {score}，团队 {team_score}",
        "{value}，團隊中位數 {team}；得分 {score}，團隊 {team_score}",
    ),
    "review.col.dimension": ("weakest dimension", "最弱维度", "最弱維度"),
    "review.col.work_on": ("indicator to work on", "首要改进指标", "首要改進指標"),
    "review.col.gap": ("points below the team", "低于团队（分）", "低於團隊（分）"),
    # ---- leaderboard
    "review.col.rank": ("rank", "排名", "排名"),
    "review.col.plausible": ("plausible ranks", "可能排名范围", "可能排名範圍"),
    "review.col.note": ("note", "备注", "備註"),
    "review.col.p_top": (
        "share of draws in the top k",
        "进入前 k 名的抽样比例",
        "進入前 k 名的抽樣比例",
    ),
    "review.col.p_bottom": (
        "share of draws in the bottom k",
        "进入后 k 名的抽样比例",
        "進入後 k 名的抽樣比例",
    ),
    "review.details.leaderboard": (
        "How stable each rank is (analyst detail)",
        "名次稳定性（分析用）",
        "名次穩定性（分析用）",
    ),
    # ---- health
    "review.details.health": (
        "The findings' figures and sources (analyst detail)",
        "各发现的数值与依据（分析用）",
        "各發現的數值與依據（分析用）",
    ),
    "review.col.finding": ("finding", "发现", "發現"),
    "review.col.effect": ("size", "强度", "強度"),
    "review.col.strength": ("evidence", "证据强度", "證據強度"),
    "review.col.source": ("source", "依据", "依據"),
    "review.col.p_value": ("adjusted p", "校正后 p 值", "校正後 p 值"),
    # ---- scheme
    "review.col.weight": ("nominal weight", "名义权重", "名義權重"),
    "review.col.effective": (
        "share of the score spread",
        "对得分差异的实际贡献",
        "對得分差異的實際貢獻",
    ),
    "review.details.scheme": (
        "Scheme checks (analyst detail)",
        "方案检查明细（分析用）",
        "方案檢查明細（分析用）",
    ),
    "review.col.severity": ("severity", "严重程度", "嚴重程度"),
    "review.col.check": ("check", "检查项", "檢查項"),
    "review.col.message": ("finding", "说明", "說明"),
    # ---- agent pages
    "review.agent.open": (
        "Click an agent to open the page for the one-to-one.",
        "点击坐席姓名展开一对一面谈页。",
        "點擊坐席姓名展開一對一面談頁。",
    ),
    "review.agent.summary_line": (
        "{name} ({agent_id}), team {team} — composite {composite}, tier {tier}",
        "{name}（{agent_id}），团队 {team} — 综合得分 {composite}，等级 {tier}",
        "{name}（{agent_id}），團隊 {team} — 綜合得分 {composite}，等級 {tier}",
    ),
    "review.agent.focus": (
        "Coaching focus: {indicator} ({dimension}) — {evidence}.",
        "辅导重点：{indicator}（{dimension}）——{evidence}。",
        "輔導重點：{indicator}（{dimension}）——{evidence}。",
    ),
    "review.agent.decisions": ("Decisions: {items}.", "考核结果：{items}。", "考核結果：{items}。"),
    "review.agent.on_pip": (
        "improvement-plan candidate",
        "绩效改进计划候选人",
        "績效改進計劃候選人",
    ),
    "review.agent.certified": ("certification candidate", "认证候选人", "認證候選人"),
    "review.agent.bonus": ("bonus {amount}", "奖金 {amount}", "獎金 {amount}"),
    "review.agent.trend_note": (
        "Composite and each indicator's score (0–100) over the last periods: the agent (solid) and the team average (dashed).",
        "近几期综合得分与各指标得分（0–100）：坐席（实线）与团队平均（虚线）。",
        "近幾期綜合得分與各指標得分（0–100）：坐席（實線）與團隊平均（虛線）。",
    ),
    "review.talk.praise_target": (
        "Praise: {indicator} reached its target ({value} against {target}) — ask what works and keep it up.",
        "表扬：{indicator}达到目标（{value}，目标 {target}）——请其分享有效做法并保持。",
        "表揚：{indicator}達到目標（{value}，目標 {target}）——請其分享有效做法並保持。",
    ),
    "review.talk.praise_closest": (
        "Praise: {indicator} ({value}; team {team}) is the result closest to the team level — start from what works there.",
        "表扬：{indicator}（{value}；团队 {team}）是最接近团队水平的一项——从有效做法入手。",
        "表揚：{indicator}（{value}；團隊 {team}）是最接近團隊水平的一項——從有效做法入手。",
    ),
    "review.talk.problem_team": (
        "Problem: {indicator} at {value} against a team level of {team}. Listen to two recent calls together and find the cause.",
        "问题：{indicator} 为 {value}，团队水平 {team}。一起听两通近期录音，找出原因。",
        "問題：{indicator} 為 {value}，團隊水平 {team}。一起聽兩通近期錄音，找出原因。",
    ),
    "review.talk.keep": (
        "Plan: every indicator is at or above target and the team level — agree which one to stretch next period.",
        "计划：各项指标均达到目标和团队水平——约定下期重点提升哪一项。",
        "計劃：各項指標均達到目標和團隊水平——約定下期重點提升哪一項。",
    ),
    # ---- plots
    "review.plot.composite": ("composite score", "综合得分", "綜合得分"),
    "review.plot.agents": ("agents", "坐席数", "坐席數"),
    "review.plot.rank": ("rank (1 = best)", "排名（1 = 最好）", "排名（1 = 最好）"),
    "review.plot.nominal": ("rank", "排名", "排名"),
    "review.plot.range": (
        "plausible ranks if the weights shift",
        "权重变动时的可能排名",
        "權重變動時的可能排名",
    ),
    "review.plot.agent": ("agent", "坐席", "坐席"),
    "review.plot.team": ("team average", "团队平均", "團隊平均"),
    "review.plot.score": ("score (0–100)", "得分（0–100）", "得分（0–100）"),
    "review.plot.all": ("all teams", "全部团队", "全部團隊"),
    # ---- data
    "review.col.table": ("table", "数据表", "數據表"),
    "review.col.rows_read": ("rows read", "读取行数", "讀取行數"),
    "review.col.rows_used": ("rows used", "使用行数", "使用行數"),
    "review.col.rows_quarantined": ("rows set aside", "隔离行数", "隔離行數"),
    # ---- scoring notes (worded from the scorecard's notes)
    "review.note.not_assessed": (
        "Not assessed in the {cycle} cycle (their weight is spread over the rest): {indicators}.",
        "{cycle}周期不考核（其权重按比例分摊给其余指标）：{indicators}。",
        "{cycle}週期不考核（其權重按比例分攤給其餘指標）：{indicators}。",
    ),
    "review.note.derived_target": (
        "No target was set for {indicator} ({n} agent-periods): the target used is the median of the previous 3 periods + 5 % (for the first period, the median of all periods + 5 %).",
        "{indicator}未设定目标（{n} 个坐席期间）：采用前 3 期中位数 + 5 % 作为目标（第一期用全部期间中位数 + 5 %）。",
        "{indicator}未設定目標（{n} 個坐席期間）：採用前 3 期中位數 + 5 % 作為目標（第一期用全部期間中位數 + 5 %）。",
    ),
    "review.note.no_target": (
        "No target for {indicators}: their attainment and lights are left empty.",
        "{indicators}无目标：其达成率和红黄绿灯留空。",
        "{indicators}無目標：其達成率和紅黃綠燈留空。",
    ),
    "review.note.shrunk": (
        "Rates from few calls or surveys were pulled toward the team average before scoring, so that a small sample cannot put an agent at the top or bottom by chance.",
        "评分前，样本量小的比率向团队平均收缩，避免小样本偶然把坐席排到最前或最后。",
        "評分前，樣本量小的比率向團隊平均收縮，避免小樣本偶然把坐席排到最前或最後。",
    ),
    "review.note.geometric": (
        "Scores are combined by a geometric mean (a weak indicator cannot be fully made up by a strong one).",
        "综合得分采用几何平均（强项无法完全弥补弱项）。",
        "綜合得分採用幾何平均（強項無法完全彌補弱項）。",
    ),
    "review.note.other_granularity": (
        "The {cycle} cycle is scored on {used} data (the data have no other).",
        "{cycle}周期按{used}数据评分（数据中没有其他粒度）。",
        "{cycle}週期按{used}數據評分（數據中沒有其他粒度）。",
    ),
    "review.granularity.week": ("weekly", "周", "週"),
    "review.granularity.month": ("monthly", "月", "月"),
    "review.granularity.quarter": ("quarterly", "季度", "季度"),
    "review.granularity.year": ("yearly", "年度", "年度"),
    "review.note.unknown": (
        "A scoring setting was applied (code {code}).",
        "评分时应用了一项设置（代码 {code}）。",
        "評分時應用了一項設定（代碼 {code}）。",
    ),
    "review.status.partial_period": (
        "waits for the complete period",
        "待完整期间结束后决定",
        "待完整期間結束後決定",
    ),
    "review.note.gates_missing": (
        "The gate indicators {indicators} have no values in this data; the gates apply their rule for missing values.",
        "门槛指标 {indicators} 在本数据中无数值；门槛按缺失值规则处理。",
        "門檻指標 {indicators} 在本數據中無數值；門檻按缺失值規則處理。",
    ),
}
