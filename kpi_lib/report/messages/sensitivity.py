"""Sentences, headings, table headers, axis labels and legends of the weight-sensitivity page (weight_sensitivity notebook, sensitivity_text, sensitivity_plots).

key -> (English, Simplified Chinese, Traditional Chinese); ``{name}`` fields are filled by
:func:`kpi_lib.report.review_text.text`. Keys start with the module's prefix, so that no two
pages can define the same key (a test checks the whole catalogue).
"""

TEXTS: dict[str, tuple[str, str, str]] = {
    # ---- headings
    "sens.h.sure": (
        "How sure is the ranking?",
        "排名有多可靠？",
        "排名有多可靠？",
    ),
    "sens.h.weights": (
        "Which weights matter",
        "哪些权重影响排名",
        "哪些權重影響排名",
    ),
    "sens.h.schemes": (
        "The same agents under other schemes",
        "换一套方案，排名会怎样",
        "換一套方案，排名會怎樣",
    ),
    "sens.h.close": (
        "Neighbours a small weight change would swap",
        "微调权重就会互换的相邻坐席",
        "微調權重就會互換的相鄰坐席",
    ),
    "sens.h.analyst": (
        "Analyst detail: effective weights, method choices, Sobol indices",
        "分析员详情：实际权重、方法选择、Sobol 指数",
        "分析員詳情：實際權重、方法選擇、Sobol 指數",
    ),
    "sens.h.effective": ("Effective weights", "实际权重", "實際權重"),
    "sens.h.methods": ("Method choices", "方法选择", "方法選擇"),
    "sens.h.sobol": ("Sobol indices", "Sobol 指数", "Sobol 指數"),
    "sens.h.flips": ("Decisions that flip", "会翻转的决定", "會翻轉的決定"),
    "sens.h.reversals": ("Closest pairs", "最接近互换的坐席对", "最接近互換的坐席對"),
    # ---- introduction
    "sens.intro": (
        "The weights of a KPI scheme are a judgement, and one period's counts are partly "
        "chance. This page shows which rankings, bonus, PIP and tier decisions hold whatever "
        "that judgement and that chance, and which do not. Rank 1 is the best.",
        "KPI 方案的权重是一种判断，而一个周期的计数也带有偶然性。本页说明哪些排名、奖金、"
        "改进计划（PIP）和等级决定在这种判断和偶然性下依然成立，哪些并不稳固。排名第 1 为最好。",
        "KPI 方案的權重是一種判斷，而一個週期的計數也帶有偶然性。本頁說明哪些排名、獎金、"
        "改進計畫（PIP）和等級決定在這種判斷和偶然性下依然成立，哪些並不穩固。排名第 1 為最好。",
    ),
    # ---- how sure (leaderboard intervals)
    "sens.sure.method": (
        "We re-ranked the {agents} agents {draws} times, each time changing every weight by up "
        "to {size} and redrawing each agent's counts and rates within their sampling noise. "
        "The ranges below therefore include both the uncertainty of the weights and the "
        "sampling noise of the data; they are the same ranges as on the period review's "
        "leaderboard.",
        "我们将 {agents} 名坐席重新排名 {draws} 次，每次把每个权重最多改变 {size}，并在抽样误差"
        "范围内重新抽取每名坐席的计数和比率。因此下面的排名区间同时包含权重的不确定性和数据的"
        "抽样误差，与周期回顾排行榜上的区间相同。",
        "我們將 {agents} 名坐席重新排名 {draws} 次，每次把每個權重最多改變 {size}，並在抽樣誤差"
        "範圍內重新抽取每名坐席的計數和比率。因此下面的排名區間同時包含權重的不確定性和數據的"
        "抽樣誤差，與週期回顧排行榜上的區間相同。",
    ),
    "sens.sure.bonus": (
        "{firm} of the {n} agents in the top {k} (the bonus group) stay there in at least 95 % "
        "of the re-rankings: only for them is the bonus almost certainly deserved whatever the "
        "weights and the chance in the counts.",
        "前 {k} 名（奖金组）的 {n} 名坐席中，有 {firm} 名在至少 95 % 的重新排名中仍留在前 {k}："
        "只有他们的奖金无论权重和计数的偶然性如何都几乎肯定是应得的。",
        "前 {k} 名（獎金組）的 {n} 名坐席中，有 {firm} 名在至少 95 % 的重新排名中仍留在前 {k}："
        "只有他們的獎金無論權重和計數的偶然性如何都幾乎肯定是應得的。",
    ),
    "sens.sure.bonus_none": (
        "None of the {n} agents in the top {k} (the bonus group) stays there in 95 % of the "
        "re-rankings: every bonus decision is partly a judgement call.",
        "前 {k} 名（奖金组）的 {n} 名坐席中，没有人在 95 % 的重新排名中都留在前 {k}："
        "每个奖金决定都在一定程度上需要判断。",
        "前 {k} 名（獎金組）的 {n} 名坐席中，沒有人在 95 % 的重新排名中都留在前 {k}："
        "每個獎金決定都在一定程度上需要判斷。",
    ),
    "sens.sure.flips": (
        "{n} agents have a bonus, PIP or tier decision that changes in at least {p} of the "
        "re-rankings. Treat these decisions as judgement calls: look at the agent's indicators, "
        "not the composite alone, before acting.",
        "有 {n} 名坐席的奖金、PIP 或等级决定在至少 {p} 的重新排名中会改变。请把这些决定视为需要"
        "判断的情形：行动前先看该坐席的各项指标，而不只是综合得分。",
        "有 {n} 名坐席的獎金、PIP 或等級決定在至少 {p} 的重新排名中會改變。請把這些決定視為需要"
        "判斷的情形：行動前先看該坐席的各項指標，而不只是綜合得分。",
    ),
    "sens.sure.no_flips": (
        "No bonus, PIP or tier decision changes in {p} or more of the re-rankings: the "
        "decisions hold under this much uncertainty.",
        "没有任何奖金、PIP 或等级决定在 {p} 或更多的重新排名中改变：在这种程度的不确定性下，"
        "这些决定是稳固的。",
        "沒有任何獎金、PIP 或等級決定在 {p} 或更多的重新排名中改變：在這種程度的不確定性下，"
        "這些決定是穩固的。",
    ),
    "sens.sure.table": (
        "Agents whose decision is a judgement call (at most {n} shown), with the ranks they "
        "are 90 % sure to fall between:",
        "决定需要判断的坐席（最多显示 {n} 名），以及他们有 90 % 把握所处的排名区间：",
        "決定需要判斷的坐席（最多顯示 {n} 名），以及他們有 90 % 把握所處的排名區間：",
    ),
    "sens.sure.none": (
        "The rank-uncertainty study was not run for this review (too few agents could be scored).",
        "本次回顾未做排名不确定性分析（可计分的坐席太少）。",
        "本次回顧未做排名不確定性分析（可計分的坐席太少）。",
    ),
    "sens.sure.chart": (
        "The chart shows each agent's 90 % rank range (bar) and rank under the scheme (black "
        "tick); red bars are agents with a decision that may change.",
        "图中每条竖线是坐席 90 % 把握的排名区间，黑色短横是按方案的排名；红色表示决定可能改变的坐席。",
        "圖中每條豎線是坐席 90 % 把握的排名區間，黑色短橫是按方案的排名；紅色表示決定可能改變的坐席。",
    ),
    "sens.range": ("{low} to {high}", "第 {low} 至 {high} 名", "第 {low} 至 {high} 名"),
    "sens.col.sure_range": (
        "90 % sure between ranks",
        "90 % 把握的排名区间",
        "90 % 把握的排名區間",
    ),
    "sens.col.p_bonus": ("chance of bonus", "获得奖金的可能性", "獲得獎金的可能性"),
    "sens.col.p_pip": ("chance of PIP", "进入 PIP 的可能性", "進入 PIP 的可能性"),
    "sens.col.verdict": ("how sure", "把握程度", "把握程度"),
    "sens.col.similar": ("order of the agents", "排序相似度", "排序相似度"),
    "sens.col.decision": ("decision", "决定", "決定"),
    "sens.col.nominal": ("under the scheme", "按方案", "按方案"),
    "sens.col.p_flip": (
        "share of re-rankings that change it",
        "改变的重新排名比例",
        "改變的重新排名比例",
    ),
    "sens.col.alternative": ("likely alternative", "可能的其他结果", "可能的其他結果"),
    "sens.decision.bonus": ("bonus", "奖金", "獎金"),
    "sens.decision.pip": ("PIP", "PIP", "PIP"),
    "sens.decision.tier": ("tier", "等级", "等級"),
    "sens.in": ("in", "在内", "在內"),
    "sens.out": ("out", "不在内", "不在內"),
    # plain-word verdicts of a probability
    "sens.p.certain": ("almost certain", "几乎肯定", "幾乎肯定"),
    "sens.p.very_likely": ("very likely", "很可能", "很可能"),
    "sens.p.likely": ("likely", "可能", "可能"),
    "sens.p.toss_up": ("could go either way", "两种结果都可能", "兩種結果都可能"),
    "sens.p.unlikely": ("unlikely", "不太可能", "不太可能"),
    "sens.p.very_unlikely": ("very unlikely", "很不可能", "很不可能"),
    "sens.verdict.bonus": ("bonus: {p}", "奖金：{p}", "獎金：{p}"),
    "sens.verdict.pip": ("PIP: {p}", "PIP：{p}", "PIP：{p}"),
    "sens.verdict.tier": ("tier {tier}: {p}", "等级 {tier}：{p}", "等級 {tier}：{p}"),
    # ---- one weight at a time
    "sens.oat.move": (
        "Moving the weight of {indicator} by {points} points moves agents by {shift} places on "
        "average{extra}.",
        "把 {indicator} 的权重改变 {points} 个百分点，坐席平均移动 {shift} 个名次{extra}。",
        "把 {indicator} 的權重改變 {points} 個百分點，坐席平均移動 {shift} 個名次{extra}。",
    ),
    "sens.oat.extra": (" ({items})", "（{items}）", "（{items}）"),
    "sens.oat.tiers": ("{n} tier changes", "{n} 个等级变化", "{n} 個等級變化"),
    "sens.oat.bonus": (
        "{n} agents in or out of the bonus group",
        "{n} 名坐席进出奖金组",
        "{n} 名坐席進出獎金組",
    ),
    "sens.oat.pip": ("{n} in or out of the PIP group", "{n} 名进出 PIP 组", "{n} 名進出 PIP 組"),
    "sens.oat.calm": (
        "Changing one of these weights alone moves nobody: {indicators}.",
        "单独改变以下权重不会移动任何人：{indicators}。",
        "單獨改變以下權重不會移動任何人：{indicators}。",
    ),
    "sens.oat.none": ("No weight could be moved.", "没有可调整的权重。", "沒有可調整的權重。"),
    "sens.oat.explain": (
        "Each bar is one weight moved down (left) or up (right) by {points} points, the other "
        "weights rescaled so their ratios stay as chosen. Long bars mark the weights worth "
        "debating; short bars mark weights whose exact value hardly matters.",
        "每条横条表示把一个权重调低（左）或调高（右）{points} 个百分点，其余权重按原比例重新缩放。"
        "横条越长，越值得讨论该权重；横条很短表示其具体数值几乎不影响排名。",
        "每條橫條表示把一個權重調低（左）或調高（右）{points} 個百分點，其餘權重按原比例重新縮放。"
        "橫條越長，越值得討論該權重；橫條很短表示其具體數值幾乎不影響排名。",
    ),
    # ---- schemes
    "sens.schemes.explain": (
        "Each scheme is scored on its own (its own normalisation and targets), as its own "
        "scorecard would be, and compared with this review's scheme {baseline}.",
        "每套方案各自计分（使用其自身的标准化方法和目标），与其自身计分卡的结果一致，并与本次回顾"
        "使用的方案 {baseline} 比较。",
        "每套方案各自計分（使用其自身的標準化方法和目標），與其自身計分卡的結果一致，並與本次回顧"
        "使用的方案 {baseline} 比較。",
    ),
    "sens.schemes.adapted": (
        "Scheme {scheme} was adapted to the data like the review's scheme: {dropped} left out, "
        "the other weights rescaled.",
        "方案 {scheme} 已像本次回顾的方案一样按数据调整：去掉了 {dropped}，其余权重重新缩放。",
        "方案 {scheme} 已像本次回顧的方案一樣按數據調整：去掉了 {dropped}，其餘權重重新縮放。",
    ),
    "sens.schemes.left_out": (
        "Scheme {scheme} is left out: {why}",
        "未比较方案 {scheme}：{why}",
        "未比較方案 {scheme}：{why}",
    ),
    "sens.schemes.why.stop": (
        "it uses {indicators}, which the data cannot provide, and says to stop rather than "
        "drop them.",
        "它使用了数据无法提供的 {indicators}，并规定此时停止而不是去掉这些指标。",
        "它使用了數據無法提供的 {indicators}，並規定此時停止而不是去掉這些指標。",
    ),
    "sens.schemes.why.empty": (
        "the data provide none of the indicators it weights.",
        "数据无法提供它加权的任何指标。",
        "數據無法提供它加權的任何指標。",
    ),
    "sens.schemes.why.not_found": (
        "there is no scheme of that name (schemes available: {available}).",
        "没有这个名称的方案（可用的方案：{available}）。",
        "沒有這個名稱的方案（可用的方案：{available}）。",
    ),
    "sens.schemes.why.invalid": (
        "its file is not a valid scheme; `kpi scheme check {scheme}` says what to fix.",
        "该方案文件无效；运行 `kpi scheme check {scheme}` 可查看需要修改的地方。",
        "該方案檔案無效；執行 `kpi scheme check {scheme}` 可查看需要修改的地方。",
    ),
    "sens.schemes.why.score": (
        "it cannot score these data ({reason}).",
        "该方案无法为这些数据计分（{reason}）。",
        "該方案無法為這些數據計分（{reason}）。",
    ),
    "sens.schemes.none": (
        "No other scheme could be compared with these data.",
        "没有其他方案可以在这些数据上比较。",
        "沒有其他方案可以在這些數據上比較。",
    ),
    "sens.schemes.pair": (
        "Under {scheme}, agents move {shift} places on average (at most {max}); {winners} move "
        "up, {losers} down{tiers}; {kept} of the bonus group stays the same. The two orders "
        "are {similar}.",
        "在 {scheme} 下，坐席平均移动 {shift} 个名次（最多 {max} 个）；{winners} 名上升，{losers} "
        "名下降{tiers}；奖金组中有 {kept} 保持不变。两种排序{similar}。",
        "在 {scheme} 下，坐席平均移動 {shift} 個名次（最多 {max} 個）；{winners} 名上升，{losers} "
        "名下降{tiers}；獎金組中有 {kept} 保持不變。兩種排序{similar}。",
    ),
    "sens.schemes.tiers": ("; {n} tier changes", "；{n} 个等级变化", "；{n} 個等級變化"),
    "sens.similar.same": ("almost the same", "几乎相同", "幾乎相同"),
    "sens.similar.close": ("similar", "相近", "相近"),
    "sens.similar.some": ("partly different", "有一定差异", "有一定差異"),
    "sens.similar.different": ("very different", "差异很大", "差異很大"),
    "sens.schemes.movers": (
        "Biggest winners: {up}. Biggest losers: {down}.",
        "上升最多：{up}。下降最多：{down}。",
        "上升最多：{up}。下降最多：{down}。",
    ),
    "sens.mover": (
        "{agent} ({scheme}: {before} → {after})",
        "{agent}（{scheme}：{before} → {after}）",
        "{agent}（{scheme}：{before} → {after}）",
    ),
    "sens.nobody": ("nobody", "无", "無"),
    "sens.schemes.tier_table": (
        "Agents whose tier changes under another scheme: the people a scheme change affects "
        "most, and the ones to talk to first.",
        "换方案后等级发生变化的坐席：他们受方案变更影响最大，应优先沟通。",
        "換方案後等級發生變化的坐席：他們受方案變更影響最大，應優先溝通。",
    ),
    "sens.col.scheme": ("scheme", "方案", "方案"),
    "sens.col.mean_shift": ("average places moved", "平均移动名次", "平均移動名次"),
    "sens.col.max_shift": ("most places moved", "最多移动名次", "最多移動名次"),
    "sens.col.winners": ("move up", "上升人数", "上升人數"),
    "sens.col.losers": ("move down", "下降人数", "下降人數"),
    "sens.col.tier_changes": ("tier changes", "等级变化", "等級變化"),
    "sens.col.kept": ("bonus group kept", "奖金组保留比例", "獎金組保留比例"),
    "sens.col.tau": ("Kendall's tau", "Kendall tau 系数", "Kendall tau 係數"),
    "sens.col.baseline_rank": ("rank now", "当前排名", "當前排名"),
    "sens.col.other_rank": ("rank under the scheme", "该方案下排名", "該方案下排名"),
    "sens.col.baseline_tier": ("tier now", "当前等级", "當前等級"),
    "sens.col.other_tier": ("tier under the scheme", "该方案下等级", "該方案下等級"),
    # ---- reversals
    "sens.rev.close": (
        "{close} of {pairs} neighbouring pairs of agents swap places when one weight changes by "
        "{within} points or less{tied}. Such pairs are effectively tied: do not reward or "
        "penalise one over the other on the composite alone.",
        "{pairs} 对相邻坐席中，有 {close} 对在某一权重改变不超过 {within} 个百分点时就会互换名次"
        "{tied}。这些坐席实际上不分高下：不要仅凭综合得分奖励或处罚其中一人。",
        "{pairs} 對相鄰坐席中，有 {close} 對在某一權重改變不超過 {within} 個百分點時就會互換名次"
        "{tied}。這些坐席實際上不分高下：不要僅憑綜合得分獎勵或處罰其中一人。",
    ),
    "sens.rev.tied": (
        " ({n} of them already tied)",
        "（其中 {n} 对已并列）",
        "（其中 {n} 對已並列）",
    ),
    "sens.rev.never": (
        "{n} pairs cannot be separated by any single weight (for example agents with identical "
        "scores).",
        "有 {n} 对坐席无法通过改变任何单个权重区分（例如得分完全相同的坐席）。",
        "有 {n} 對坐席無法通過改變任何單個權重區分（例如得分完全相同的坐席）。",
    ),
    "sens.rev.top": (
        "Near the top: {upper} (rank {upper_rank}) and {lower} (rank {lower_rank}) swap when the "
        "weight of {indicator} goes from {weight} to {threshold}.",
        "排名靠前处：{upper}（第 {upper_rank} 名）与 {lower}（第 {lower_rank} 名）在 {indicator} "
        "的权重从 {weight} 变为 {threshold} 时互换。",
        "排名靠前處：{upper}（第 {upper_rank} 名）與 {lower}（第 {lower_rank} 名）在 {indicator} "
        "的權重從 {weight} 變為 {threshold} 時互換。",
    ),
    "sens.rev.none": (
        "No single weight change can swap any two neighbouring agents.",
        "任何单个权重的改变都不会使相邻坐席互换。",
        "任何單個權重的改變都不會使相鄰坐席互換。",
    ),
    "sens.col.upper": ("higher agent", "排名较高的坐席", "排名較高的坐席"),
    "sens.col.lower": ("lower agent", "排名较低的坐席", "排名較低的坐席"),
    "sens.col.weight_change": (
        "weight change that swaps them",
        "使其互换的权重变化",
        "使其互換的權重變化",
    ),
    "sens.col.threshold": ("weight at the swap", "互换时的权重", "互換時的權重"),
    # ---- effective weights (analyst)
    "sens.eff.no_spread": (
        "{indicator} has a {weight} weight but every agent scores the same on it, so it "
        "changes nobody's rank: use it as a pass/fail gate or give its weight to an indicator "
        "that separates agents.",
        "{indicator} 的权重为 {weight}，但所有坐席在该指标上得分相同，因此不会改变任何人的排名："
        "可将其作为达标门槛，或把权重转给能区分坐席的指标。",
        "{indicator} 的權重為 {weight}，但所有坐席在該指標上得分相同，因此不會改變任何人的排名："
        "可將其作為達標門檻，或把權重轉給能區分坐席的指標。",
    ),
    "sens.eff.muted": (
        "{indicator} carries {weight} of the weight but only {share} of the differences between "
        "agents: its weight drives less than it appears.",
        "{indicator} 占权重的 {weight}，但只造成坐席之间差异的 {share}：它的实际作用小于权重所示。",
        "{indicator} 占權重的 {weight}，但只造成坐席之間差異的 {share}：它的實際作用小於權重所示。",
    ),
    "sens.eff.amplified": (
        "{indicator} drives {share} of the differences between agents on a {weight} weight: its "
        "scores spread widely and move with the other indicators.",
        "{indicator} 的权重为 {weight}，却造成坐席之间差异的 {share}：其得分分布很广，且与其他指标同向变化。",
        "{indicator} 的權重為 {weight}，卻造成坐席之間差異的 {share}：其得分分佈很廣，且與其他指標同向變化。",
    ),
    "sens.eff.counteracting": (
        "{indicator} pulls against the rest of the scheme: agents who do well on it tend to do "
        "worse on the others.",
        "{indicator} 与方案其余部分相互抵消：在该指标上表现好的坐席，往往在其他指标上较差。",
        "{indicator} 與方案其餘部分相互抵消：在該指標上表現好的坐席，往往在其他指標上較差。",
    ),
    "sens.eff.fine": (
        "Every indicator influences the ranking roughly in line with its weight.",
        "每项指标对排名的影响大致与其权重相符。",
        "每項指標對排名的影響大致與其權重相符。",
    ),
    "sens.influence.as intended": ("as intended", "符合预期", "符合預期"),
    "sens.influence.muted": ("muted", "被削弱", "被削弱"),
    "sens.influence.amplified": ("amplified", "被放大", "被放大"),
    "sens.influence.counteracting": ("counteracting", "相互抵消", "相互抵消"),
    "sens.influence.no spread": ("no spread", "无差异", "無差異"),
    "sens.influence.no weight": ("no weight", "无权重", "無權重"),
    "sens.col.score_sd": ("spread of scores (sd)", "得分离散度（标准差）", "得分離散度（標準差）"),
    # ---- method choices (analyst)
    "sens.methods.explain": (
        "Re-rankings with uncertain weights only (the sampling model of the counts cannot be "
        "combined with other normalisations), now also switching the normalisation "
        "({normalisations}) and the aggregation ({methods}) at random. Per combination: how far "
        "the ranking moves on average from the scheme's own ranking.",
        "仅考虑权重不确定性的重新排名（计数的抽样模型无法与其他标准化方法组合），同时随机切换标准化"
        "方法（{normalisations}）和汇总方法（{methods}）。每种组合下，排名平均偏离方案自身排名的程度：",
        "僅考慮權重不確定性的重新排名（計數的抽樣模型無法與其他標準化方法組合），同時隨機切換標準化"
        "方法（{normalisations}）和彙總方法（{methods}）。每種組合下，排名平均偏離方案自身排名的程度：",
    ),
    "sens.methods.flips": (
        "With method choices and weight uncertainty, {n} agents have a decision that changes in "
        "at least {p} of the re-rankings.",
        "在方法选择和权重不确定性下，有 {n} 名坐席的决定在至少 {p} 的重新排名中改变。",
        "在方法選擇和權重不確定性下，有 {n} 名坐席的決定在至少 {p} 的重新排名中改變。",
    ),
    "sens.col.normalisation": ("normalisation", "标准化方法", "標準化方法"),
    "sens.col.aggregation": ("aggregation", "汇总方法", "彙總方法"),
    "sens.col.bonus_changes": ("bonus changes", "奖金变化", "獎金變化"),
    "sens.col.pip_changes": ("PIP changes", "PIP 变化", "PIP 變化"),
    # ---- Sobol (analyst)
    "sens.sobol.top": (
        "{factor} matters most: it explains {s1} of the variation of the ranking on its own and "
        "{st} including its interactions with the other factors.",
        "{factor} 影响最大：单独解释排名变化的 {s1}，连同与其他因素的交互作用共解释 {st}。",
        "{factor} 影響最大：單獨解釋排名變化的 {s1}，連同與其他因素的交互作用共解釋 {st}。",
    ),
    "sens.sobol.idle": (
        "Within the sampled range these hardly matter (total index below 2 %): {factors}. "
        "Fine-tuning them is not worth a discussion.",
        "在抽样范围内，以下因素几乎不影响排名（总指数低于 2 %）：{factors}。不值得花时间微调。",
        "在抽樣範圍內，以下因素幾乎不影響排名（總指數低於 2 %）：{factors}。不值得花時間微調。",
    ),
    "sens.sobol.wide": (
        "Wide intervals for {factors}: raise the number of base samples before relying on "
        "their order.",
        "{factors} 的区间较宽：在依赖其排序之前，请增加基础样本数。",
        "{factors} 的區間較寬：在依賴其排序之前，請增加基礎樣本數。",
    ),
    "sens.sobol.none": (
        "The ranking never changed in the sampled weight range.",
        "在抽样的权重范围内，排名从未改变。",
        "在抽樣的權重範圍內，排名從未改變。",
    ),
    "sens.sobol.explain": (
        "First-order index: the share of the variation of the average rank shift a factor "
        "explains on its own; total index: including its interactions. Intervals are "
        "bootstrap 95 % intervals.",
        "一阶指数：某因素单独解释的平均名次移动变化的比例；总指数：包括交互作用。区间为自助法 95 % 区间。",
        "一階指數：某因素單獨解釋的平均名次移動變化的比例；總指數：包括交互作用。區間為自助法 95 % 區間。",
    ),
    "sens.factor.normalisation": (
        "choice of normalisation",
        "标准化方法的选择",
        "標準化方法的選擇",
    ),
    "sens.factor.aggregation": ("choice of aggregation", "汇总方法的选择", "彙總方法的選擇"),
    "sens.col.factor": ("factor", "因素", "因素"),
    "sens.col.s1": ("first-order index", "一阶指数", "一階指數"),
    "sens.col.s1_range": ("first-order 95 % interval", "一阶 95 % 区间", "一階 95 % 區間"),
    "sens.col.st": ("total index", "总指数", "總指數"),
    "sens.col.st_range": ("total 95 % interval", "总 95 % 区间", "總 95 % 區間"),
    "sens.interval": ("{low} to {high}", "{low} 至 {high}", "{low} 至 {high}"),
    # ---- charts
    "sens.plot.nominal": ("weight in the scheme", "方案中的权重", "方案中的權重"),
    "sens.plot.share": (
        "share of differences ({influence})",
        "差异份额（{influence}）",
        "差異份額（{influence}）",
    ),
    "sens.plot.effective_title": (
        "What the weights say vs what separates agents",
        "权重所示与实际区分坐席的因素",
        "權重所示與實際區分坐席的因素",
    ),
    "sens.plot.down": ("weight down", "权重调低", "權重調低"),
    "sens.plot.up": ("weight up", "权重调高", "權重調高"),
    "sens.plot.oat_x": ("places moved on average", "平均移动名次", "平均移動名次"),
    "sens.plot.oat_title": (
        "One weight at a time ({points} points)",
        "每次调整一个权重（{points} 个百分点）",
        "每次調整一個權重（{points} 個百分點）",
    ),
    "sens.plot.stable": ("90 % rank range", "90 % 排名区间", "90 % 排名區間"),
    "sens.plot.flips": (
        "90 % rank range (decision may change)",
        "90 % 排名区间（决定可能改变）",
        "90 % 排名區間（決定可能改變）",
    ),
    "sens.plot.nominal_rank": ("rank under the scheme", "按方案的排名", "按方案的排名"),
    "sens.plot.median_rank": ("median rank", "排名中位数", "排名中位數"),
    "sens.plot.rank_axis": ("rank (1 = best)", "排名（1 = 最好）", "排名（1 = 最好）"),
    "sens.plot.interval_title": (
        "Rank ranges under uncertain weights and sampling noise",
        "权重不确定和抽样误差下的排名区间",
        "權重不確定和抽樣誤差下的排名區間",
    ),
    "sens.plot.p_bonus": (
        "chance of bonus (top k)",
        "获得奖金的可能性（前 k）",
        "獲得獎金的可能性（前 k）",
    ),
    "sens.plot.p_pip": (
        "chance of PIP (bottom k)",
        "进入 PIP 的可能性（后 k）",
        "進入 PIP 的可能性（後 k）",
    ),
    "sens.plot.decision_title": (
        "Bonus and PIP decisions that depend on the weights",
        "取决于权重的奖金和 PIP 决定",
        "取決於權重的獎金和 PIP 決定",
    ),
    "sens.plot.s1": ("first order (alone)", "一阶（单独）", "一階（單獨）"),
    "sens.plot.st": ("total (with interactions)", "总（含交互）", "總（含交互）"),
    "sens.plot.sobol_x": (
        "share of the variation of the ranking",
        "排名变化的份额",
        "排名變化的份額",
    ),
    "sens.plot.sobol_title": (
        "Which choices drive the ranking (Sobol indices)",
        "哪些选择驱动排名（Sobol 指数）",
        "哪些選擇驅動排名（Sobol 指數）",
    ),
    "sens.plot.baseline_axis": ("rank under {scheme}", "{scheme} 下的排名", "{scheme} 下的排名"),
    "sens.plot.scheme_title": (
        "Winners (green) and losers (red) under {scheme}",
        "{scheme} 下的上升者（绿）与下降者（红）",
        "{scheme} 下的上升者（綠）與下降者（紅）",
    ),
    "sens.plot.reversal_x": (
        "change of one weight that swaps the pair (points)",
        "使该对坐席互换的单个权重变化（百分点）",
        "使該對坐席互換的單個權重變化（百分點）",
    ),
    "sens.plot.reversal_title": (
        "Ranking decisions closest to a reversal",
        "最接近反转的排名",
        "最接近反轉的排名",
    ),
}
