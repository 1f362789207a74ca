"""Sentences, headings, table headers, axis labels and legends of the before/after page (before_after notebook, before_after_text, before_after_plots).

key -> (English, Simplified Chinese, Traditional Chinese); ``{name}`` fields are filled by
:func:`kpi_lib.report.review_text.text`. Keys start with the module's prefix, so that no two
pages can define the same key (a test checks the whole catalogue).
"""

TEXTS: dict[str, tuple[str, str, str]] = {
    # ---- headings
    "before_after.h.how": ("How to read this page", "如何阅读本页", "如何閱讀本頁"),
    "before_after.h.setup": ("The study", "研究设置", "研究設置"),
    "before_after.h.summary": (
        "What changed after the switch",
        "调整后发生了什么变化",
        "調整後發生了什麼變化",
    ),
    "before_after.h.teams": ("Team by team", "分团队", "分團隊"),
    "before_after.h.did": (
        "Against the team that kept the old scheme",
        "与沿用旧方案的团队对比",
        "與沿用舊方案的團隊對比",
    ),
    "before_after.h.its": ("Week by week", "逐周走势", "逐週走勢"),
    "before_after.h.rescoring": (
        "Who wins and who loses under the new scheme",
        "新方案下谁得益、谁受损",
        "新方案下誰得益、誰受損",
    ),
    "before_after.h.case": ("Summary for management", "管理层摘要", "管理層摘要"),
    "before_after.h.background": ("Background", "背景", "背景"),
    "before_after.h.change": ("The change", "方案调整", "方案調整"),
    "before_after.h.results": ("Results", "结果", "結果"),
    "before_after.h.paragraph": ("In one paragraph", "一段话总结", "一段話總結"),
    "before_after.h.sure": ("How sure we are", "结论有多可靠", "結論有多可靠"),
    "before_after.analyst": (
        "For analysts: method and test details",
        "供分析人员参考：方法与检验细节",
        "供分析人員參考：方法與檢驗細節",
    ),
    # ---- explanations (one per section)
    "before_after.explain.intro": (
        "This page asks whether the change of the scoring scheme from {old} to {new} changed "
        "what agents do and what customers experience. Each section answers one question: "
        "what changed after the switch; did every team move; how much of the change is the "
        "scheme's and not the season's (against a team that kept the old scheme); did the "
        "weekly figures break at the switch; and who is rewarded or put on an improvement "
        "plan under one scheme but not the other. A change is called a rise or a fall only "
        "when the data are clear about it; otherwise the page says the data cannot tell.",
        "本页回答：考核方案从 {old} 调整为 {new} 之后，坐席的行为和客户的体验是否发生了变化。"
        "各部分依次回答：调整后有什么变化；是否每个团队都有变化；变化中有多少归功于方案、而非季节等因素"
        "（与沿用旧方案的团队对比）；每周数据在调整时是否出现断点；以及哪些坐席在一个方案下获奖励"
        "或进入改进计划、在另一个方案下则不会。只有数据足够明确时才称为上升或下降，否则注明数据无法判断。",
        "本頁回答：考核方案從 {old} 調整為 {new} 之後，坐席的行為和客戶的體驗是否發生了變化。"
        "各部分依次回答：調整後有什麼變化；是否每個團隊都有變化；變化中有多少歸功於方案、而非季節等因素"
        "（與沿用舊方案的團隊對比）；每週數據在調整時是否出現斷點；以及哪些坐席在一個方案下獲獎勵"
        "或進入改進計劃、在另一個方案下則不會。只有數據足夠明確時才稱為上升或下降，否則註明數據無法判斷。",
    ),
    "before_after.setup": (
        "New scheme from {switch}. Switched teams: {treated}. Team(s) that kept the old scheme "
        "for comparison: {comparison}. Before: {before_start} – {before_end}; after: "
        "{after_start} – {after_end} (the first month after the switch is left out while new "
        "habits settle).",
        "新方案自 {switch} 起执行。调整方案的团队：{treated}。沿用旧方案、用作对照的团队：{comparison}。"
        "调整前：{before_start} – {before_end}；调整后：{after_start} – {after_end}"
        "（调整后的第一个月为适应期，不计入）。",
        "新方案自 {switch} 起執行。調整方案的團隊：{treated}。沿用舊方案、用作對照的團隊：{comparison}。"
        "調整前：{before_start} – {before_end}；調整後：{after_start} – {after_end}"
        "（調整後的第一個月為適應期，不計入）。",
    ),
    "before_after.setup.none": ("none", "无", "無"),
    "before_after.setup.cut": (
        "A window was cut back to the complete months of the data.",
        "时间窗已缩短至数据中的完整月份。",
        "時間窗已縮短至數據中的完整月份。",
    ),
    "before_after.explain.summary": (
        "Each indicator for all switched teams together: its level before and after, the "
        "change, and the range in which the true change lies with 95 % certainty. Look first "
        "at the last column.",
        "所有调整方案的团队合并计算的各项指标：调整前后的水平、变化幅度，以及有 95% 把握包含真实变化的范围。"
        "请先看最后一列。",
        "所有調整方案的團隊合併計算的各項指標：調整前後的水平、變化幅度，以及有 95% 把握包含真實變化的範圍。"
        "請先看最後一列。",
    ),
    "before_after.explain.change_plot": (
        "Each dot is a change, each bar the range we are 95 % sure of. A bar that crosses "
        "the line at zero means the data cannot tell the change from chance. Green is an "
        "improvement, red a deterioration; for a volume indicator such as dials a fall can be "
        "the intended price of a scheme that stops paying for volume.",
        "每个点是一项变化，每条横线是有 95% 把握的范围。横线跨过零线，表示数据无法把这项变化与偶然波动区分开。"
        "绿色为改善，红色为变差；呼出次数等数量指标下降，可能正是不再为数量付费的方案所预期的代价。",
        "每個點是一項變化，每條橫線是有 95% 把握的範圍。橫線跨過零線，表示數據無法把這項變化與偶然波動區分開。"
        "綠色為改善，紅色為變差；呼出次數等數量指標下降，可能正是不再為數量付費的方案所預期的代價。",
    ),
    "before_after.explain.teams": (
        "Grey: before, blue: after, each with its 95 % range. The switched teams should move "
        "together; the team that kept the old scheme shows how much would have changed "
        "anyway. If it moved as much as the others, the change is not the scheme's.",
        "灰色：调整前；蓝色：调整后；竖线为 95% 把握范围。调整方案的团队应同向变化；沿用旧方案的团队显示"
        "即使不调整也会发生多少变化。如果它的变化与其他团队一样大，这项变化就不是方案带来的。",
        "灰色：調整前；藍色：調整後；豎線為 95% 把握範圍。調整方案的團隊應同向變化；沿用舊方案的團隊顯示"
        "即使不調整也會發生多少變化。如果它的變化與其他團隊一樣大，這項變化就不是方案帶來的。",
    ),
    "before_after.explain.did": (
        "Season, products and leads change for every team. A team that kept the old scheme "
        "shows what would have happened anyway, so only the extra change of the switched teams "
        "is credited to the scheme. Because the scheme was switched team by team and every "
        "team has its own good and bad months, how sure we can be depends on the number of "
        "teams, not of agents.",
        "季节、产品和线索的变化影响所有团队。沿用旧方案的团队显示即使不调整也会发生的变化，"
        "因此只有调整方案团队的额外变化才归功于方案。由于方案按团队调整，每个团队都有自己的好月份和坏月份，"
        "结论的把握取决于团队数，而非坐席数。",
        "季節、產品和線索的變化影響所有團隊。沿用舊方案的團隊顯示即使不調整也會發生的變化，"
        "因此只有調整方案團隊的額外變化才歸功於方案。由於方案按團隊調整，每個團隊都有自己的好月份和壞月份，"
        "結論的把握取決於團隊數，而非坐席數。",
    ),
    "before_after.explain.did_plot": (
        "Left of the dotted line the two solid lines should run side by side. Right of it, "
        "the dashed line is where the switched teams would be had they moved like the "
        "comparison team; the gap between the solid and the dashed line is the effect "
        "credited to the scheme.",
        "虚线左侧两条实线应大致平行。虚线右侧，点划线表示调整方案的团队若与对照团队同步变化时应处的位置；"
        "实线与点划线之间的差距，就是归功于方案的效果。",
        "虛線左側兩條實線應大致平行。虛線右側，點劃線表示調整方案的團隊若與對照團隊同步變化時應處的位置；"
        "實線與點劃線之間的差距，就是歸功於方案的效果。",
    ),
    "before_after.explain.its": (
        "The weekly figures of the switched teams: did they jump or bend at the switch, "
        "compared with where the earlier trend pointed? Weeks the data cover only in part "
        "(the first and the last) are left out, since their counts are partial.",
        "调整方案团队的每周数据：与此前趋势的延伸相比，调整时是否出现跳升或拐点？"
        "数据只覆盖部分天数的周（第一周和最后一周）不计入，因为其数量不完整。",
        "調整方案團隊的每週數據：與此前趨勢的延伸相比，調整時是否出現跳升或拐點？"
        "數據只覆蓋部分天數的週（第一週和最後一週）不計入，因為其數量不完整。",
    ),
    "before_after.explain.its_plot": (
        "Grey dots are the weeks, blue lines the fitted trend before and after the switch, the "
        "red dashed line and band the earlier trend continued. Single weeks far below the line "
        "are usually holidays.",
        "灰点为各周数据，蓝线为调整前后的拟合趋势，红色虚线及色带为此前趋势的延伸。"
        "远低于趋势线的个别周通常是节假日。",
        "灰點為各週數據，藍線為調整前後的擬合趨勢，紅色虛線及色帶為此前趨勢的延伸。"
        "遠低於趨勢線的個別週通常是節假日。",
    ),
    "before_after.explain.rescoring": (
        "The same agents and months scored under the old and the new scheme (each with its "
        "own targets and tiers). Dots on the diagonal keep their rank; coloured dots are agents "
        "whose reward (top tier) or improvement plan (bottom tier in 2 of the last 3 months) "
        "depends on the scheme. The table lists them: these are the people who will notice the "
        "change, so explain the new scheme to them first.",
        "同一批坐席、同样的月份，分别按旧方案和新方案计分（各用其目标与等级）。对角线上的点排名不变；"
        "彩色点是奖励（最高等级）或改进计划（近 3 个月中有 2 个月处于最低等级）取决于方案的坐席。"
        "下表列出这些坐席：他们最能感受到变化，应优先向他们解释新方案。",
        "同一批坐席、同樣的月份，分別按舊方案和新方案計分（各用其目標與等級）。對角線上的點排名不變；"
        "彩色點是獎勵（最高等級）或改進計劃（近 3 個月中有 2 個月處於最低等級）取決於方案的坐席。"
        "下表列出這些坐席：他們最能感受到變化，應優先向他們解釋新方案。",
    ),
    "before_after.explain.case": (
        "The background, the change and the results in words to repeat in a management summary, "
        "set against the figures the source case study reports.",
        "用可直接写入管理摘要的文字说明背景、方案调整和结果，并与原案例报告的数字对照。",
        "用可直接寫入管理摘要的文字說明背景、方案調整和結果，並與原案例報告的數字對照。",
    ),
    "before_after.method.comparison": (
        "Intervals: cluster bootstrap over agents ({kind}). Tests: {tests} on per-agent values, "
        "p-values adjusted ({correction}) across the {n} tests of this table. A change counts "
        "only when test and interval agree. Effect size: matched-pairs rank-biserial correlation "
        "(+1 every agent went up, -1 every agent went down).",
        "区间：按坐席的整群自助法（{kind}）。检验：基于坐席数值的 {tests}，p 值按 {correction} 对本表 {n} "
        "项检验做多重校正。仅当检验与区间一致时才认定有变化。效应量：配对秩二列相关（+1 表示所有坐席都上升，"
        "-1 表示都下降）。",
        "區間：按坐席的整群自助法（{kind}）。檢驗：基於坐席數值的 {tests}，p 值按 {correction} 對本表 {n} "
        "項檢驗做多重校正。僅當檢驗與區間一致時才認定有變化。效應量：配對秩二列相關（+1 表示所有坐席都上升，"
        "-1 表示都下降）。",
    ),
    "before_after.method.did": (
        "Difference in differences by weighted least squares on agent-months; intervals and "
        "tests by a wild cluster bootstrap by team (WCR, Webb weights), because the scheme was "
        "switched team by team. With one team on either side no interval or test can be given. "
        "Pre-trend check: difference of the slopes before the switch, same bootstrap.",
        "双重差分：对坐席-月数据做加权最小二乘；区间与检验采用按团队的野自助法（WCR，Webb 权重），"
        "因为方案是按团队调整的。任一侧只有一个团队时，无法给出区间或检验。前趋势检验：调整前两组斜率之差，"
        "采用同样的自助法。",
        "雙重差分：對坐席-月數據做加權最小二乘；區間與檢驗採用按團隊的野自助法（WCR，Webb 權重），"
        "因為方案是按團隊調整的。任一側只有一個團隊時，無法給出區間或檢驗。前趨勢檢驗：調整前兩組斜率之差，"
        "採用同樣的自助法。",
    ),
    "before_after.method.its": (
        "Segmented regression of the weekly series with Newey-West standard errors; p-values "
        "and intervals from a bootstrap of the series without a break. Durbin-Watson near 2: "
        "little autocorrelation left; well below 2: p-values are approximate.",
        "对每周序列做分段回归，采用 Newey-West 标准误；p 值与区间来自无断点序列的自助模拟。"
        "Durbin-Watson 接近 2：剩余自相关很小；远低于 2：p 值仅为近似。",
        "對每週序列做分段迴歸，採用 Newey-West 標準誤；p 值與區間來自無斷點序列的自助模擬。"
        "Durbin-Watson 接近 2：剩餘自相關很小；遠低於 2：p 值僅為近似。",
    ),
    # ---- words
    "before_after.side.before": ("before", "调整前", "調整前"),
    "before_after.side.after": ("after", "调整后", "調整後"),
    "before_after.na": ("n/a", "不适用", "不適用"),
    "before_after.points": ("{value} points", "{value} 个百分点", "{value} 個百分點"),
    "before_after.semi": ("; ", "；", "；"),
    "before_after.described_only": (
        "can only be described",
        "只能描述，无法确认",
        "只能描述，無法確認",
    ),
    "before_after.rescore.shown": (
        "{shown} of {total} agents shown: those whose bonus changes most, latest month first.",
        "共 {total} 名坐席，显示 {shown} 名：奖金变化最大者，最近月份在前。",
        "共 {total} 名坐席，顯示 {shown} 名：獎金變化最大者，最近月份在前。",
    ),
    "before_after.not_measured": (
        "Not measured in this data (the dataset lacks the table they need): {items}.",
        "本数据无法衡量（数据集缺少所需的数据表）：{items}。",
        "本數據無法衡量（數據集缺少所需的數據表）：{items}。",
    ),
    "before_after.sep": (", ", "、", "、"),
    "before_after.switched_teams": ("the switched teams", "调整方案的团队", "調整方案的團隊"),
    "before_after.comparison_team": ("the comparison team", "对照团队", "對照團隊"),
    "before_after.verdict.improved": ("improved", "改善", "改善"),
    "before_after.verdict.worsened": ("worsened", "变差", "變差"),
    "before_after.verdict.increased": ("increased", "上升", "上升"),
    "before_after.verdict.decreased": ("decreased", "下降", "下降"),
    "before_after.verdict.no clear change": ("no clear change", "无明显变化", "無明顯變化"),
    "before_after.verdict.no data": ("no data", "无数据", "無數據"),
    "before_after.verdict.not measured": ("not measured", "未测量", "未測量"),
    "before_after.sure": (
        "95 % sure between {low} and {high}",
        "有 95% 把握在 {low} 至 {high} 之间",
        "有 95% 把握在 {low} 至 {high} 之間",
    ),
    "before_after.unbounded": (
        "the data do not bound it",
        "数据无法给出范围",
        "數據無法給出範圍",
    ),
    # ---- period comparison
    "before_after.rose": (
        "**{label}** rose from {before} to {after} ({rel}); 95 % sure the change is between "
        "{low} and {high}{tail}.",
        "**{label}** 从 {before} 升至 {after}（{rel}）；有 95% 把握变化在 {low} 至 {high} 之间{tail}。",
        "**{label}** 從 {before} 升至 {after}（{rel}）；有 95% 把握變化在 {low} 至 {high} 之間{tail}。",
    ),
    "before_after.fell": (
        "**{label}** fell from {before} to {after} ({rel}); 95 % sure the change is between "
        "{low} and {high}{tail}.",
        "**{label}** 从 {before} 降至 {after}（{rel}）；有 95% 把握变化在 {low} 至 {high} 之间{tail}。",
        "**{label}** 從 {before} 降至 {after}（{rel}）；有 95% 把握變化在 {low} 至 {high} 之間{tail}。",
    ),
    "before_after.tail.improved": (" - an improvement", "——属于改善", "——屬於改善"),
    "before_after.tail.worsened": (" - a deterioration", "——属于变差", "——屬於變差"),
    "before_after.unclear": (
        "**{label}** moved from {before} to {after} ({rel}), but the data cannot rule out no "
        "change (95 % sure the change is between {low} and {high}).",
        "**{label}** 从 {before} 变为 {after}（{rel}），但数据无法排除没有变化的可能"
        "（有 95% 把握变化在 {low} 至 {high} 之间）。",
        "**{label}** 從 {before} 變為 {after}（{rel}），但數據無法排除沒有變化的可能"
        "（有 95% 把握變化在 {low} 至 {high} 之間）。",
    ),
    "before_after.cannot_compare": (
        "**{label}** cannot be compared: {reason}. No estimate is given.",
        "**{label}** 无法比较：{reason}。不给出估计。",
        "**{label}** 無法比較：{reason}。不給出估計。",
    ),
    "before_after.no_data.late": (
        "no data {side}: follow-up window not yet closed ({months})",
        "{side}无数据：回访观察期尚未结束（{months}）",
        "{side}無數據：回訪觀察期尚未結束（{months}）",
    ),
    "before_after.no_data.side": (
        "no data {side} the switch",
        "{side}无数据",
        "{side}無數據",
    ),
    "before_after.matured": (
        " Only months whose follow-up window had closed count ({parts}, too recent to know who "
        "came back).",
        "只计入回访观察期已结束的月份（{parts}，时间太近，尚不知客户是否回购）。",
        "只計入回訪觀察期已結束的月份（{parts}，時間太近，尚不知客戶是否回購）。",
    ),
    "before_after.matured.part": (
        "{side} window without {months}",
        "{side}不含 {months}",
        "{side}不含 {months}",
    ),
    "before_after.rule": (
        "A change is called a rise or a fall only when the data are clear about it (95 % sure, "
        "allowing for the number of indicators checked).",
        "只有数据足够明确时（有 95% 把握，并已考虑同时检查多项指标）才称为上升或下降。",
        "只有數據足夠明確時（有 95% 把握，並已考慮同時檢查多項指標）才稱為上升或下降。",
    ),
    # ---- table headers
    "before_after.col.group": ("group", "组别", "組別"),
    "before_after.col.indicator": ("indicator", "指标", "指標"),
    "before_after.col.before": ("before", "调整前", "調整前"),
    "before_after.col.after": ("after", "调整后", "調整後"),
    "before_after.col.change": ("change", "变化", "變化"),
    "before_after.col.sure": (
        "95 % sure the change is",
        "有 95% 把握的变化范围",
        "有 95% 把握的變化範圍",
    ),
    "before_after.col.test": ("test", "检验", "檢驗"),
    "before_after.col.effect": ("effect size", "效应量", "效應量"),
    "before_after.col.verdict": ("verdict", "结论", "結論"),
    "before_after.col.switched_before": (
        "switched teams before",
        "调整团队·调整前",
        "調整團隊·調整前",
    ),
    "before_after.col.switched_after": (
        "switched teams after",
        "调整团队·调整后",
        "調整團隊·調整後",
    ),
    "before_after.col.comparison_before": (
        "comparison before",
        "对照团队·调整前",
        "對照團隊·調整前",
    ),
    "before_after.col.comparison_after": ("comparison after", "对照团队·调整后", "對照團隊·調整後"),
    "before_after.col.extra": (
        "extra change credited to the scheme",
        "归功于方案的额外变化",
        "歸功於方案的額外變化",
    ),
    "before_after.col.how_sure": ("how sure", "把握程度", "把握程度"),
    "before_after.col.estimate": ("estimate", "估计值", "估計值"),
    "before_after.col.se": ("standard error", "标准误", "標準誤"),
    "before_after.col.interval": ("95 % interval", "95% 区间", "95% 區間"),
    "before_after.col.p_adj": ("adjusted p", "校正后 p 值", "校正後 p 值"),
    "before_after.col.pre_trend_p": ("pre-trend p", "前趋势 p 值", "前趨勢 p 值"),
    "before_after.col.parallel": ("parallel before", "调整前是否同步", "調整前是否同步"),
    "before_after.col.teams": (
        "teams (switched / comparison)",
        "团队数（调整 / 对照）",
        "團隊數（調整 / 對照）",
    ),
    "before_after.col.method": ("method", "方法", "方法"),
    "before_after.col.weeks": ("weeks before / after", "调整前 / 后周数", "調整前 / 後週數"),
    "before_after.col.jump": ("jump at the switch", "调整时的跳变", "調整時的跳變"),
    "before_after.col.jump_p": ("jump p", "跳变 p 值", "跳變 p 值"),
    "before_after.col.slope": ("trend change per week", "每周趋势变化", "每週趨勢變化"),
    "before_after.col.slope_p": ("trend p", "趋势 p 值", "趨勢 p 值"),
    "before_after.col.effect_end": ("effect at the end", "期末效果", "期末效果"),
    "before_after.col.dw": ("Durbin-Watson", "Durbin-Watson", "Durbin-Watson"),
    "before_after.col.source": ("source says", "原案例报告", "原案例報告"),
    "before_after.col.measured": ("measured", "实测", "實測"),
    "before_after.col.consistent": ("consistent with the source", "与原案例一致", "與原案例一致"),
    "before_after.col.agent": ("agent", "坐席", "坐席"),
    "before_after.col.period": ("month", "月份", "月份"),
    "before_after.col.score_old": ("score, old scheme", "旧方案得分", "舊方案得分"),
    "before_after.col.score_new": ("score, new scheme", "新方案得分", "新方案得分"),
    "before_after.col.rank_old": ("rank, old", "旧方案排名", "舊方案排名"),
    "before_after.col.rank_new": ("rank, new", "新方案排名", "新方案排名"),
    "before_after.col.tier_old": ("tier, old", "旧方案等级", "舊方案等級"),
    "before_after.col.tier_new": ("tier, new", "新方案等级", "新方案等級"),
    "before_after.col.bonus_old": ("bonus, old", "旧方案奖金", "舊方案獎金"),
    "before_after.col.bonus_new": ("bonus, new", "新方案奖金", "新方案獎金"),
    "before_after.col.what": ("what changes for the agent", "对该坐席的影响", "對該坐席的影響"),
    "before_after.parallel.plausible": ("yes", "是", "是"),
    "before_after.parallel.doubtful": ("doubtful", "存疑", "存疑"),
    "before_after.parallel.cannot judge": ("cannot judge", "无法判断", "無法判斷"),
    "before_after.method.wild": (
        "wild cluster bootstrap by team",
        "按团队的野自助法",
        "按團隊的野自助法",
    ),
    "before_after.method.none": (
        "none (too few teams or no data)",
        "无（团队太少或无数据）",
        "無（團隊太少或無數據）",
    ),
    # ---- difference in differences
    "before_after.did.all": (
        "**All indicators**: {text}",
        "**全部指标**：{text}",
        "**全部指標**：{text}",
    ),
    "before_after.did.one_team": (
        "can only be described, not confirmed: only one {side} - its own month-to-month swings "
        "cannot be told apart from the effect of the scheme.",
        "只能描述、无法确认：{side}只有一个——其自身的月度波动无法与方案的效果区分开。",
        "只能描述、無法確認：{side}只有一個——其自身的月度波動無法與方案的效果區分開。",
    ),
    "before_after.did.few_teams": (
        "only {n} teams in all, so the ranges are approximate and on the wide side.",
        "总共只有 {n} 个团队，因此范围只是近似值，且偏宽。",
        "總共只有 {n} 個團隊，因此範圍只是近似值，且偏寬。",
    ),
    "before_after.did.side.comparison": ("comparison team", "对照团队", "對照團隊"),
    "before_after.did.side.switched": ("switched team", "调整方案的团队", "調整方案的團隊"),
    "before_after.did.no_estimate": (
        "**{label}**: cannot be estimated - no data for {which}.",
        "**{label}**：无法估计——{which}无数据。",
        "**{label}**：無法估計——{which}無數據。",
    ),
    "before_after.did.cell": ("{group} {side}", "{group}{side}", "{group}{side}"),
    "before_after.did.and": (" and ", "和", "和"),
    "before_after.did.described": (
        "**{label}**: {delta} relative to {comparison}, with no interval or test.",
        "**{label}**：相对于{comparison}变化 {delta}，无法给出范围或检验。",
        "**{label}**：相對於{comparison}變化 {delta}，無法給出範圍或檢驗。",
    ),
    "before_after.did.significant": (
        "**{label}**: relative to {comparison}, {treated} moved by an extra {delta} ({rel} "
        "against where they would otherwise be); {sure}.",
        "**{label}**：相对于{comparison}，{treated}额外变化 {delta}（与不调整时应处的水平相比 {rel}）；{sure}。",
        "**{label}**：相對於{comparison}，{treated}額外變化 {delta}（與不調整時應處的水平相比 {rel}）；{sure}。",
    ),
    "before_after.did.not_after_all": (
        "**{label}**: {delta} relative to {comparison} ({sure}), but not clear once all "
        "{n} indicators checked are taken into account.",
        "**{label}**：相对于{comparison}变化 {delta}（{sure}），但考虑到同时检查了 {n} 项指标，结论并不明确。",
        "**{label}**：相對於{comparison}變化 {delta}（{sure}），但考慮到同時檢查了 {n} 項指標，結論並不明確。",
    ),
    "before_after.did.none_shown": (
        "**{label}**: no change attributable to the scheme can be shown ({delta}; {sure}).",
        "**{label}**：无法证明有归功于方案的变化（{delta}；{sure}）。",
        "**{label}**：無法證明有歸功於方案的變化（{delta}；{sure}）。",
    ),
    "before_after.did.drift": (
        " Caution: before the switch the two groups already drifted apart ({diff} per month), "
        "so this comparison is less trustworthy.",
        "注意：调整前两组已经在拉开差距（每月 {diff}），因此这一对比的可信度较低。",
        "注意：調整前兩組已經在拉開差距（每月 {diff}），因此這一對比的可信度較低。",
    ),
    "before_after.did.drift_bias": (
        " If that drift went on, about {bias} of the estimate is drift, not scheme.",
        "若这种趋势延续，估计值中约 {bias} 来自趋势本身，而非方案。",
        "若這種趨勢延續，估計值中約 {bias} 來自趨勢本身，而非方案。",
    ),
    "before_after.did.drift_against": (
        " The drift ran against the change seen, so it does not overstate the effect, but the "
        "size is uncertain.",
        "这种趋势与观察到的变化方向相反，因此不会夸大效果，但效果大小不确定。",
        "這種趨勢與觀察到的變化方向相反，因此不會誇大效果，但效果大小不確定。",
    ),
    "before_after.did.cannot_judge": (
        " Too few months or teams before the switch to check that the groups moved in parallel.",
        "调整前的月份或团队太少，无法检查两组是否同步变化。",
        "調整前的月份或團隊太少，無法檢查兩組是否同步變化。",
    ),
    "before_after.did.parallel": (
        " Before the switch the groups moved in parallel.",
        "调整前两组同步变化。",
        "調整前兩組同步變化。",
    ),
    "before_after.did.late": (
        " Months whose follow-up window had not closed are left out: {months}.",
        "回访观察期尚未结束的月份未计入：{months}。",
        "回訪觀察期尚未結束的月份未計入：{months}。",
    ),
    # ---- interrupted time series
    "before_after.its.clear": (
        "a clear break at the switch",
        "调整时出现明显断点",
        "調整時出現明顯斷點",
    ),
    "before_after.its.jump": (
        "a jump at the switch but no clear lasting effect",
        "调整时有跳变，但没有明显的持续效果",
        "調整時有跳變，但沒有明顯的持續效果",
    ),
    "before_after.its.none": (
        "no clear break at the switch",
        "调整时没有明显断点",
        "調整時沒有明顯斷點",
    ),
    "before_after.its.line": (
        "**{label}**: {verdict} - by the last {period} it stands {delta} ({rel}) away from where "
        "the earlier trend pointed ({sure}).",
        "**{label}**：{verdict}——到最后一{period}，比此前趋势延伸的位置相差 {delta}（{rel}）（{sure}）。",
        "**{label}**：{verdict}——到最後一{period}，比此前趨勢延伸的位置相差 {delta}（{rel}）（{sure}）。",
    ),
    "before_after.its.caution": (
        " Neighbouring weeks are strongly alike, so treat this as a rough guide.",
        "相邻各周数据高度相关，此结论仅供粗略参考。",
        "相鄰各週數據高度相關，此結論僅供粗略參考。",
    ),
    "before_after.its.left_out": (" Left out: {what}.", "未计入：{what}。", "未計入：{what}。"),
    "before_after.its.incomplete": (
        "incomplete periods (data start or end within them): {periods}",
        "数据不完整的时段（数据在其中开始或结束）：{periods}",
        "數據不完整的時段（數據在其中開始或結束）：{periods}",
    ),
    "before_after.its.late": (
        "periods whose follow-up window had not closed: {periods}",
        "回访观察期尚未结束的时段：{periods}",
        "回訪觀察期尚未結束的時段：{periods}",
    ),
    "before_after.gran.week": ("week", "周", "週"),
    "before_after.gran.month": ("month", "个月", "個月"),
    "before_after.gran.quarter": ("quarter", "季度", "季度"),
    "before_after.gran.year": ("year", "年", "年"),
    # ---- re-scoring
    "before_after.rescore.period": (
        "**{period}** ({n} agents): how alike the rankings under {old} and {new} are "
        "(1 = identical) {rho}",
        "**{period}**（{n} 名坐席）：{old} 与 {new} 两种排名的一致程度（1 = 完全相同）{rho}",
        "**{period}**（{n} 名坐席）：{old} 與 {new} 兩種排名的一致程度（1 = 完全相同）{rho}",
    ),
    "before_after.rescore.period_only": (
        "**{period}** ({n} agents)",
        "**{period}**（{n} 名坐席）",
        "**{period}**（{n} 名坐席）",
    ),
    "before_after.rescore.item": (
        "{what}: {n} ({names})",
        "{what}：{n} 人（{names}）",
        "{what}：{n} 人（{names}）",
    ),
    "before_after.rescore.more": (
        "{names} and {n} more",
        "{names} 等，另有 {n} 人",
        "{names} 等，另有 {n} 人",
    ),
    "before_after.rescore.nothing": (
        "no agent's reward or improvement plan depends on the scheme",
        "没有坐席的奖励或改进计划取决于方案",
        "沒有坐席的獎勵或改進計劃取決於方案",
    ),
    "before_after.rescore.none_changed": (
        "No agent's reward or improvement plan depends on the scheme.",
        "没有坐席的奖励或改进计划取决于方案。",
        "沒有坐席的獎勵或改進計劃取決於方案。",
    ),
    "before_after.decision.rewarded only under new": (
        "rewarded only under the new scheme",
        "仅在新方案下获奖励",
        "僅在新方案下獲獎勵",
    ),
    "before_after.decision.rewarded only under old": (
        "rewarded only under the old scheme",
        "仅在旧方案下获奖励",
        "僅在舊方案下獲獎勵",
    ),
    "before_after.decision.PIP only under new": (
        "improvement plan only under the new scheme",
        "仅在新方案下进入改进计划",
        "僅在新方案下進入改進計劃",
    ),
    "before_after.decision.PIP only under old": (
        "improvement plan only under the old scheme",
        "仅在旧方案下进入改进计划",
        "僅在舊方案下進入改進計劃",
    ),
    "before_after.decision.none": ("no change", "无变化", "無變化"),
    # ---- case study write-up
    "before_after.weight": (
        "{indicator} {weight} %",
        "{indicator} {weight}%",
        "{indicator} {weight}%",
    ),
    "before_after.case.background": (
        "Under the old scheme ({weights}) {teams} were paid for sales and call volume. In "
        "{window}: {symptoms}.",
        "在旧方案（{weights}）下，{teams}按销售额和通话量计酬。{window}期间：{symptoms}。",
        "在舊方案（{weights}）下，{teams}按銷售額和通話量計酬。{window}期間：{symptoms}。",
    ),
    "before_after.case.see_table": ("see the table below", "见下表", "見下表"),
    "before_after.case.symptom": ("{label} {value}", "{label} {value}", "{label} {value}"),
    "before_after.case.change": (
        "New scheme: {weights}. Results below compare {after} (after) with {before} (before).",
        "新方案：{weights}。以下结果对比 {after}（调整后）与 {before}（调整前）。",
        "新方案：{weights}。以下結果對比 {after}（調整後）與 {before}（調整前）。",
    ),
    "before_after.case.window": ("{start} - {end}", "{start}至{end}", "{start}至{end}"),
    "before_after.case.results": (
        "Before and after, with the range we are 95 % sure of:",
        "调整前后对比，以及有 95% 把握的范围：",
        "調整前後對比，以及有 95% 把握的範圍：",
    ),
    "before_after.case.against": (
        "Against the figures the source case study reports:",
        "与原案例报告的数字对照：",
        "與原案例報告的數字對照：",
    ),
    "before_after.case.check": (
        "source: {source} - measured {measured} (95 % sure between {low} and {high}), {agree}",
        "原案例：{source}——实测 {measured}（有 95% 把握在 {low} 至 {high} 之间），{agree}",
        "原案例：{source}——實測 {measured}（有 95% 把握在 {low} 至 {high} 之間），{agree}",
    ),
    "before_after.case.consistent": ("consistent with the source", "与原案例一致", "與原案例一致"),
    "before_after.case.differs": ("differs from the source", "与原案例不同", "與原案例不同"),
    "before_after.case.not_measured": (
        "{source}: not measured here",
        "{source}：本数据未测量",
        "{source}：本數據未測量",
    ),
    "before_after.case.no_data": ("{source}: {why}", "{source}：{why}", "{source}：{why}"),
    "before_after.src.complaints_per_100_orders.before": (
        "complaint rate 15 %",
        "投诉率 15%",
        "投訴率 15%",
    ),
    "before_after.src.complaints_per_100_orders.after": (
        "complaint rate 5 %",
        "投诉率 5%",
        "投訴率 5%",
    ),
    "before_after.src.repurchase_rate.before": (
        "repurchase under 5 %",
        "复购率低于 5%",
        "複購率低於 5%",
    ),
    "before_after.src.repurchase_rate.after": ("repurchase 12 %", "复购率 12%", "複購率 12%"),
    "before_after.src.dials.rel_change": ("outbound dials -10 %", "呼出次数 -10%", "呼出次數 -10%"),
    "before_after.src.effective_call_rate.rel_change": (
        "effective-call rate +25 %",
        "有效通话率 +25%",
        "有效通話率 +25%",
    ),
    "before_after.src.sales_amount.rel_change": (
        "sales up (figure cut off in the source)",
        "销售额上升（原文数字缺失）",
        "銷售額上升（原文數字缺失）",
    ),
    "before_after.case.better": (
        "After the switch {items}.",
        "调整后，{items}。",
        "調整後，{items}。",
    ),
    "before_after.case.better_item": (
        "{label} went from {before} to {after}",
        "{label}从 {before} 变为 {after}",
        "{label}從 {before} 變為 {after}",
    ),
    "before_after.case.price": (
        "The price: {items} - the new scheme no longer pays for this.",
        "代价：{items}——新方案不再为此付费。",
        "代價：{items}——新方案不再為此付費。",
    ),
    "before_after.case.price_item.fell": (
        "{label} fell {pct}",
        "{label}下降 {pct}",
        "{label}下降 {pct}",
    ),
    "before_after.case.price_item.rose": (
        "{label} rose {pct}",
        "{label}上升 {pct}",
        "{label}上升 {pct}",
    ),
    "before_after.case.unclear": (
        "No clear change in {items}.",
        "{items}没有明显变化。",
        "{items}沒有明顯變化。",
    ),
    "before_after.case.missing": (
        "Not measurable yet: {items}.",
        "暂无法衡量：{items}。",
        "暫無法衡量：{items}。",
    ),
    "before_after.case.nothing": (
        "No indicator changed clearly.",
        "没有指标出现明显变化。",
        "沒有指標出現明顯變化。",
    ),
    "before_after.case.sure": (
        "The ranges come from resampling agents, so they show how much the result depends on "
        "which agents happened to be in the team; a change is reported only when the data are "
        "clear about it, allowing for the number of indicators checked.",
        "范围来自对坐席的重复抽样，反映结果在多大程度上取决于团队中恰好有哪些坐席；只有在考虑到同时检查多项指标后"
        "数据仍足够明确时，才报告为有变化。",
        "範圍來自對坐席的重複抽樣，反映結果在多大程度上取決於團隊中恰好有哪些坐席；只有在考慮到同時檢查多項指標後"
        "數據仍足夠明確時，才報告為有變化。",
    ),
    "before_after.case.confirmed": (
        "{comparison} kept the old scheme: against it, {n} of {m} indicators show a change "
        "credited to the scheme{which}.",
        "{comparison}沿用旧方案：与之对比，{m} 项指标中有 {n} 项显示归功于方案的变化{which}。",
        "{comparison}沿用舊方案：與之對比，{m} 項指標中有 {n} 項顯示歸功於方案的變化{which}。",
    ),
    "before_after.case.which": (" ({items})", "（{items}）", "（{items}）"),
    "before_after.case.described": (
        "{comparison} kept the old scheme, but with only one {side} its own month-to-month "
        "swings cannot be told apart from the effect of the scheme: against it the changes can "
        "only be described, not confirmed.",
        "{comparison}沿用旧方案，但{side}只有一个，其自身的月度波动无法与方案的效果区分开：与之对比的变化只能描述、"
        "无法确认。",
        "{comparison}沿用舊方案，但{side}只有一個，其自身的月度波動無法與方案的效果區分開：與之對比的變化只能描述、"
        "無法確認。",
    ),
    "before_after.case.drift": (
        "For {items} the groups already drifted apart before the switch, so that comparison is "
        "less trustworthy.",
        "{items}在调整前两组已经拉开差距，因此这一对比的可信度较低。",
        "{items}在調整前兩組已經拉開差距，因此這一對比的可信度較低。",
    ),
    "before_after.case.no_comparison": (
        "Without a comparison team, other things that changed at the same time (season, "
        "products, leads) cannot be separated from the effect of the scheme.",
        "没有对照团队时，同期发生的其他变化（季节、产品、线索）无法与方案的效果区分开。",
        "沒有對照團隊時，同期發生的其他變化（季節、產品、線索）無法與方案的效果區分開。",
    ),
    # ---- charts
    "before_after.plot.change_title": (
        "Before -> after, with the range we are 95 % sure of",
        "调整前→后的变化及 95% 把握范围",
        "調整前→後的變化及 95% 把握範圍",
    ),
    "before_after.plot.change_rel": (
        "change after vs before (%)",
        "调整后相对调整前的变化（%）",
        "調整後相對調整前的變化（%）",
    ),
    "before_after.plot.change_abs": ("change after - before", "调整后 - 调整前", "調整後 - 調整前"),
    "before_after.plot.before": ("before", "调整前", "調整前"),
    "before_after.plot.after": ("after", "调整后", "調整後"),
    "before_after.plot.switch": ("switch", "方案调整", "方案調整"),
    "before_after.plot.treated": ("switched teams", "调整方案的团队", "調整方案的團隊"),
    "before_after.plot.comparison": ("comparison team", "对照团队", "對照團隊"),
    "before_after.plot.counterfactual": (
        "switched teams without the new scheme",
        "调整团队若未调整",
        "調整團隊若未調整",
    ),
    "before_after.plot.observed": ("week", "每周数据", "每週數據"),
    "before_after.plot.fitted": ("fitted trend", "拟合趋势", "擬合趨勢"),
    "before_after.plot.trend_continued": (
        "earlier trend continued",
        "此前趋势延伸",
        "此前趨勢延伸",
    ),
    "before_after.plot.rank_old": (
        "rank under {scheme} (1 = best)",
        "{scheme} 下的排名（1 = 最好）",
        "{scheme} 下的排名（1 = 最好）",
    ),
    "before_after.plot.rank_new": ("rank under {scheme}", "{scheme} 下的排名", "{scheme} 下的排名"),
    "before_after.plot.rescore_title": (
        "Same agents, same month ({period}), two schemes",
        "同一批坐席、同一月份（{period}）、两种方案",
        "同一批坐席、同一月份（{period}）、兩種方案",
    ),
    "before_after.plot.teams_title": ("{label} by team", "各团队的{label}", "各團隊的{label}"),
    # ---- labels of indicators derived on this page
    "before_after.ind.complaints_per_100_orders": (
        "Complaints per 100 orders",
        "每百单投诉数",
        "每百單投訴數",
    ),
}
