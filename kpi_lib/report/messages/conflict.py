"""Sentences, headings, table headers, axis labels and legends of the indicator-conflict diagnosis page (conflict_diagnosis notebook, conflict_text, conflict_plots).

key -> (English, Simplified Chinese, Traditional Chinese); ``{name}`` fields are filled by
:func:`kpi_lib.report.review_text.text`. Keys start with the module's prefix, so that no two
pages can define the same key (a test checks the whole catalogue).
"""

TEXTS: dict[str, tuple[str, str, str]] = {
    # ---- headings
    "conflict.h.summary": ("Summary for managers", "管理者摘要", "管理者摘要"),
    "conflict.h.pairs": (
        "Indicators that pull against each other",
        "相互拉扯的指标",
        "相互拉扯的指標",
    ),
    "conflict.h.gaming": (
        "Who may be gaming the indicators",
        "可能存在刷指标行为的坐席",
        "可能存在刷指標行為的坐席",
    ),
    "conflict.h.bunching": (
        "Calls ending just past the effective-call threshold",
        "刚过有效通话门槛即结束的通话",
        "剛過有效通話門檻即結束的通話",
    ),
    "conflict.h.actions": ("What to do", "建议措施", "建議措施"),
    "conflict.h.analyst": (
        "For analysts: statistical details",
        "供分析师参阅：统计细节",
        "供分析師參閱：統計細節",
    ),
    "conflict.intro": (
        "Which indicators of the scheme pull against each other, and which agents may be "
        "gaming them. A gaming flag is a reason to listen to recordings, never a verdict.",
        "本页说明考核方案中哪些指标相互拉扯，以及哪些坐席可能在刷指标。刷指标提示只是抽听录音的理由，不是定论。",
        "本頁說明考核方案中哪些指標相互拉扯，以及哪些坐席可能在刷指標。刷指標提示只是抽聽錄音的理由，不是定論。",
    ),
    # ---- summary sentences
    "conflict.sum.pair": (
        "{a} and {b} pull against each other: doing better on one goes with doing worse on "
        "the other ({strength} relation, {certainty}).",
        "{a}与{b}相互拉扯：一项做得好，另一项往往变差（{strength}关联，{certainty}）。",
        "{a}與{b}相互拉扯：一項做得好，另一項往往變差（{strength}關聯，{certainty}）。",
    ),
    "conflict.sum.pair_within": (
        "{a} and {b} pull against each other within agents: when an agent pushes one, the "
        "other falls ({strength} relation, {certainty}).",
        "{a}与{b}在同一坐席内相互拉扯：坐席冲高一项时另一项会下降（{strength}关联，{certainty}）。",
        "{a}與{b}在同一坐席內相互拉扯：坐席衝高一項時另一項會下降（{strength}關聯，{certainty}）。",
    ),
    "conflict.sum.no_pairs": (
        "No pair of indicators clearly pulls against each other in this data.",
        "在本数据中，没有明显相互拉扯的指标组合。",
        "在本數據中，沒有明顯相互拉扯的指標組合。",
    ),
    "conflict.sum.more_pairs": (
        "{n} more pairs pull against each other (see the table below).",
        "另有 {n} 组指标相互拉扯（见下表）。",
        "另有 {n} 組指標相互拉扯（見下表）。",
    ),
    "conflict.sum.redundant": (
        "{n} pairs of indicators measure almost the same thing and count it twice, e.g. {a} "
        "and {b}.",
        "{n} 组指标几乎衡量同一件事而被重复计算，例如{a}与{b}。",
        "{n} 組指標幾乎衡量同一件事而被重複計算，例如{a}與{b}。",
    ),
    "conflict.sum.harmful": (
        "Doing better on {a} goes with worse {b} ({certainty}).",
        "{a}越好，{b}反而越差（{certainty}）。",
        "{a}越好，{b}反而越差（{certainty}）。",
    ),
    "conflict.sum.no_gaming": (
        "No agent stands out for gaming in this data.",
        "在本数据中，没有坐席表现出明显的刷指标迹象。",
        "在本數據中，沒有坐席表現出明顯的刷指標跡象。",
    ),
    "conflict.sum.agent": ("{agent}: {what}.", "{agent}：{what}。", "{agent}：{what}。"),
    "conflict.sum.agent_cost": (
        "{agent}: {what}, and {cost}.",
        "{agent}：{what}，且{cost}。",
        "{agent}：{what}，且{cost}。",
    ),
    "conflict.sum.agent_nocost": (
        "{agent}: {what}; {cost}.",
        "{agent}：{what}；{cost}。",
        "{agent}：{what}；{cost}。",
    ),
    "conflict.sum.team_bunching": (
        "Team {team}: {excess} more calls than expected end just past the effective-call "
        "threshold ({certainty}).",
        "团队 {team}：刚过有效通话门槛即结束的通话比预期多 {excess}（{certainty}）。",
        "團隊 {team}：剛過有效通話門檻即結束的通話比預期多 {excess}（{certainty}）。",
    ),
    "conflict.sum.caution": (
        "A flag is a reason to listen to a sample of the agent's recordings, not a verdict.",
        "提示只是抽听该坐席录音的理由，不是定论。",
        "提示只是抽聽該坐席錄音的理由，不是定論。",
    ),
    "conflict.sum.more_agents": (
        "{n} more flags (see the table below).",
        "另有 {n} 条提示（见下表）。",
        "另有 {n} 條提示（見下表）。",
    ),
    # ---- what a gaming flag means (one phrase per kind)
    "conflict.what.bunching": (
        "stretches calls just past the effective-call threshold ({excess} more such calls "
        "than expected)",
        "把通话拖到刚过有效通话门槛（此类通话比预期多 {excess}）",
        "把通話拖到剛過有效通話門檻（此類通話比預期多 {excess}）",
    ),
    "conflict.what.call_padding": (
        "made many more near-empty calls after the volume target was raised (short calls "
        "{before} before, {after} after)",
        "提高量化目标后近乎空白的通话明显增多（短通话占比由 {before} 升至 {after}）",
        "提高量化目標後近乎空白的通話明顯增多（短通話佔比由 {before} 升至 {after}）",
    ),
    "conflict.what.need_intent_mismatch": (
        "counts calls as effective that customers rated as no interest ({ratio} times the "
        "team's share)",
        "将客户评为无意向的通话记为有效通话（比例为团队的 {ratio} 倍）",
        "將客戶評為無意向的通話記為有效通話（比例為團隊的 {ratio} 倍）",
    ),
    "conflict.what.over_promising": (
        "sells, but their customers complain more or buy again less than the team's",
        "有成交，但其客户投诉更多或复购更少",
        "有成交，但其客戶投訴更多或回購更少",
    ),
    "conflict.what.selective_surveys": (
        "surveys look hand-picked: surveyed calls are much better than the agent's other calls",
        "满意度调查疑似挑选发送：被调查的通话明显好于其他通话",
        "滿意度調查疑似挑選發送：被調查的通話明顯好於其他通話",
    ),
    # ---- what it costs (flagged_quality)
    "conflict.cost.worse.satisfaction_rate": (
        "their customers are less satisfied ({value} against {peer} for the rest of the team)",
        "其客户满意度更低（{value}，团队其他人为 {peer}）",
        "其客戶滿意度更低（{value}，團隊其他人為 {peer}）",
    ),
    "conflict.cost.worse.complaints_per_100": (
        "their customers complain more ({value} against {peer} for the rest of the team)",
        "其客户投诉更多（{value}，团队其他人为 {peer}）",
        "其客戶投訴更多（{value}，團隊其他人為 {peer}）",
    ),
    "conflict.cost.worse.repurchase_rate": (
        "their customers buy again less ({value} against {peer} for the rest of the team)",
        "其客户复购更少（{value}，团队其他人为 {peer}）",
        "其客戶回購更少（{value}，團隊其他人為 {peer}）",
    ),
    "conflict.cost.worse.other": (
        "{outcome} is worse ({value} against {peer} for the rest of the team)",
        "{outcome}更差（{value}，团队其他人为 {peer}）",
        "{outcome}更差（{value}，團隊其他人為 {peer}）",
    ),
    "conflict.cost.none": (
        "with no measurable cost to customers so far",
        "目前未见对客户的可测影响",
        "目前未見對客戶的可測影響",
    ),
    "conflict.cost.too_little": (
        "too few calls to tell what it costs customers",
        "通话太少，无法判断对客户的影响",
        "通話太少，無法判斷對客戶的影響",
    ),
    "conflict.cost.unknown": ("not measured", "未测量", "未測量"),
    "conflict.cost.code.worse": ("worse than the team", "差于团队", "差於團隊"),
    "conflict.cost.code.better": ("better than the team", "好于团队", "好於團隊"),
    "conflict.cost.code.no_difference": ("no clear difference", "无明显差异", "無明顯差異"),
    "conflict.cost.code.too_little_data": ("too little data", "数据太少", "數據太少"),
    # ---- plain words for strength and certainty
    "conflict.strength.weak": ("a weak", "较弱的", "較弱的"),
    "conflict.strength.moderate": ("a moderate", "中等的", "中等的"),
    "conflict.strength.strong": ("a strong", "较强的", "較強的"),
    "conflict.strength.very_strong": ("a very strong", "很强的", "很強的"),
    "conflict.strength.negligible": ("a negligible", "可忽略的", "可忽略的"),
    "conflict.certainty.strong": ("almost certain", "几乎可以肯定", "幾乎可以肯定"),
    "conflict.certainty.moderate": ("very likely", "很可能", "很可能"),
    "conflict.certainty.weak": ("likely", "可能", "可能"),
    "conflict.certainty.none": ("not certain", "不确定", "不確定"),
    "conflict.range": (
        "95 % sure between {low} and {high}",
        "有 95% 把握介于 {low} 与 {high} 之间",
        "有 95% 把握介於 {low} 與 {high} 之間",
    ),
    # ---- kinds of finding and actions
    "conflict.kind.conflict": ("pull against each other", "相互拉扯", "相互拉扯"),
    "conflict.kind.redundant": ("double-count", "重复计算", "重複計算"),
    "conflict.kind.simpson": (
        "opposite relation within and between agents",
        "坐席内与坐席间关系相反",
        "坐席內與坐席間關係相反",
    ),
    "conflict.kind.expected_contradicted": (
        "move opposite to what is expected",
        "走势与预期相反",
        "走勢與預期相反",
    ),
    "conflict.kind.trend_conflict": (
        "one improved while the other deteriorated",
        "一项改善而另一项恶化",
        "一項改善而另一項惡化",
    ),
    "conflict.kind.harmful_indicator": (
        "better indicator, worse outcome",
        "指标越好，结果越差",
        "指標越好，結果越差",
    ),
    "conflict.kind.bunching": (
        "calls stretched past the threshold",
        "通话拖过门槛",
        "通話拖過門檻",
    ),
    "conflict.kind.call_padding": ("near-empty calls", "近乎空白的通话", "近乎空白的通話"),
    "conflict.kind.need_intent_mismatch": (
        "effective calls without interest",
        "无意向的有效通话",
        "無意向的有效通話",
    ),
    "conflict.kind.over_promising": ("over-promising", "过度承诺", "過度承諾"),
    "conflict.kind.selective_surveys": ("hand-picked surveys", "挑选发送调查", "挑選發送調查"),
    "conflict.action.replace_indicator": (
        "Replace or redefine the volume indicator (e.g. effective talk time instead of a call "
        "count).",
        "替换或重新定义量化指标（例如以有效通话时长代替通话次数）。",
        "替換或重新定義量化指標（例如以有效通話時長代替通話次數）。",
    ),
    "conflict.action.lower_weight": (
        "Lower the weight of {a} and add a call-quality score.",
        "降低{a}的权重，并增加通话质量评分。",
        "降低{a}的權重，並增加通話質量評分。",
    ),
    "conflict.action.merge_indicators": (
        "Keep one of {a} and {b} and give the freed weight to an indicator of a different "
        "behaviour.",
        "{a}与{b}只保留其一，把腾出的权重给衡量其他行为的指标。",
        "{a}與{b}只保留其一，把騰出的權重給衡量其他行為的指標。",
    ),
    "conflict.action.add_quality_gate": (
        "Pair {a} with a quality check and calibrate it on a 10 % sample of recordings.",
        "为{a}配套质量检查，并用 10% 的录音抽样进行校准。",
        "為{a}配套質量檢查，並用 10% 的錄音抽樣進行校準。",
    ),
    "conflict.action.add_long_term_indicator": (
        "Review the recordings for prohibited promises and give repurchase and complaints a "
        "weight in the scheme.",
        "抽查录音中是否有违规承诺，并在方案中给复购与投诉设置权重。",
        "抽查錄音中是否有違規承諾，並在方案中給回購與投訴設置權重。",
    ),
    "conflict.action.review_recordings": (
        "Listen to a sample of this agent's recordings before drawing conclusions.",
        "下结论前先抽听该坐席的部分录音。",
        "下結論前先抽聽該坐席的部分錄音。",
    ),
    "conflict.action.audit_surveys": (
        "Send satisfaction surveys automatically after a random sample of calls.",
        "改为在随机抽取的通话后自动发送满意度调查。",
        "改為在隨機抽取的通話後自動發送滿意度調查。",
    ),
    "conflict.action.check_level": (
        "Decide whether the scheme steers each agent over time or compares agents before "
        "changing weights.",
        "调整权重前，先确定方案是要引导单个坐席随时间改进，还是在坐席之间比较。",
        "調整權重前，先確定方案是要引導單個坐席隨時間改進，還是在坐席之間比較。",
    ),
    # ---- table headers
    "conflict.col.indicator_a": ("indicator", "指标", "指標"),
    "conflict.col.indicator_b": ("goes against", "与之拉扯的指标", "與之拉扯的指標"),
    "conflict.col.strength": ("strength", "关联强度", "關聯強度"),
    "conflict.col.certainty": ("certainty", "把握程度", "把握程度"),
    "conflict.col.range": ("plausible range of r", "r 的可能范围", "r 的可能範圍"),
    "conflict.col.agent": ("agent", "坐席", "坐席"),
    "conflict.col.team": ("team", "团队", "團隊"),
    "conflict.col.seen": ("what the data shows", "数据显示", "數據顯示"),
    "conflict.col.cost": ("cost to customers", "对客户的影响", "對客戶的影響"),
    "conflict.col.finding": ("finding", "发现", "發現"),
    "conflict.col.about": ("about", "涉及", "涉及"),
    "conflict.col.action": ("what to do", "建议措施", "建議措施"),
    "conflict.col.a": ("indicator A", "指标 A", "指標 A"),
    "conflict.col.b": ("indicator B", "指标 B", "指標 B"),
    "conflict.col.r": ("r", "r", "r"),
    "conflict.col.ci": ("95 % CI", "95% 置信区间", "95% 信賴區間"),
    "conflict.col.p_adj": ("adjusted p", "校正后 p 值", "校正後 p 值"),
    "conflict.col.p": ("p", "p 值", "p 值"),
    "conflict.col.n": ("n", "样本量", "樣本量"),
    "conflict.col.agents": ("agents", "坐席数", "坐席數"),
    "conflict.col.within_r": ("within-agent r", "坐席内 r", "坐席內 r"),
    "conflict.col.between_r": ("between-agent r", "坐席间 r", "坐席間 r"),
    "conflict.col.verdict": ("verdict", "结论", "結論"),
    "conflict.col.expected_sign": ("expected", "预期方向", "預期方向"),
    "conflict.col.outcome": ("outcome", "结果指标", "結果指標"),
    "conflict.col.beta": ("standardised effect", "标准化效应", "標準化效應"),
    "conflict.col.excess": ("excess calls", "超额通话比例", "超額通話比例"),
    "conflict.col.calls": ("calls", "通话数", "通話數"),
    "conflict.col.rank": ("rank", "排名", "排名"),
    "conflict.col.value": ("agent", "坐席数值", "坐席數值"),
    "conflict.col.peer": ("rest of team", "团队其他人", "團隊其他人"),
    "conflict.col.difference": ("difference", "差值", "差值"),
    "conflict.col.kind": ("kind", "类型", "類型"),
    "conflict.col.effect": ("effect", "效应", "效應"),
    "conflict.col.periods": ("months", "月份", "月份"),
    "conflict.col.improved": ("improved", "改善的指标", "改善的指標"),
    "conflict.col.deteriorated": ("deteriorated", "恶化的指标", "惡化的指標"),
    "conflict.col.change": ("change", "变化", "變化"),
    "conflict.col.dimension": ("dimension", "维度", "維度"),
    "conflict.col.alpha": ("Cronbach's alpha", "克隆巴赫 α", "克隆巴赫 α"),
    "conflict.col.items": ("indicators", "指标数", "指標數"),
    "conflict.sign.pos": ("together", "同向", "同向"),
    "conflict.sign.neg": ("opposite", "反向", "反向"),
    "conflict.verdict.contradicted": ("contradicted", "与预期相反", "與預期相反"),
    "conflict.verdict.confirmed": ("confirmed", "符合预期", "符合預期"),
    "conflict.verdict.not detected": ("not detected", "未检出", "未檢出"),
    "conflict.verdict.not computable": ("not computable", "无法计算", "無法計算"),
    "conflict.verdict.helpful": ("helpful", "有益", "有益"),
    "conflict.verdict.harmful": ("harmful", "有害", "有害"),
    "conflict.verdict.no detectable relation": (
        "no detectable relation",
        "未发现关系",
        "未發現關係",
    ),
    # ---- analyst section
    "conflict.a.correlations": (
        "Flagged correlations (Spearman, across agent-months; p-values clustered by agent, "
        "Benjamini-Hochberg adjusted)",
        "被标记的相关（Spearman，跨坐席-月份；p 值按坐席聚类，经 Benjamini-Hochberg 校正）",
        "被標記的相關（Spearman，跨坐席-月份；p 值按坐席聚類，經 Benjamini-Hochberg 校正）",
    ),
    "conflict.a.within_between": (
        "Within-agent and between-agent relations of opposite sign (Simpson's paradox)",
        "坐席内与坐席间关系方向相反（辛普森悖论）",
        "坐席內與坐席間關係方向相反（辛普森悖論）",
    ),
    "conflict.a.expected": ("Expected relations", "预期关系", "預期關係"),
    "conflict.a.trends": (
        "Trend conflicts between months (teams)",
        "月度之间的趋势冲突（团队）",
        "月度之間的趨勢衝突（團隊）",
    ),
    "conflict.a.relevance": (
        "Relation of indicators to business outcomes (tenure, team and month held constant)",
        "指标与业务结果的关系（控制工龄、团队与月份）",
        "指標與業務結果的關係（控制年資、團隊與月份）",
    ),
    "conflict.a.alpha": (
        "Cronbach's alpha per dimension",
        "各维度的克隆巴赫 α",
        "各維度的克隆巴赫 α",
    ),
    "conflict.a.bunching": (
        "Bunching above the effective-call threshold per agent (Poisson model)",
        "各坐席在有效通话门槛之上的堆积（泊松模型）",
        "各坐席在有效通話門檻之上的堆積（泊松模型）",
    ),
    "conflict.a.quality": (
        "Quality outcomes of flagged agents against the rest of their team",
        "被提示坐席的质量结果与团队其他人对比",
        "被提示坐席的質量結果與團隊其他人對比",
    ),
    "conflict.a.findings": (
        "All confident findings, strongest evidence first",
        "全部可信发现（证据最强者在前）",
        "全部可信發現（證據最強者在前）",
    ),
    "conflict.a.skipped": (
        "Analyses not computed, with the library's reason",
        "未计算的分析及程序给出的原因",
        "未計算的分析及程式給出的原因",
    ),
    "conflict.a.none": ("Nothing to list.", "无可列项。", "無可列項。"),
    "conflict.a.more": (
        "First {shown} of {n} rows.",
        "仅显示 {n} 行中的前 {shown} 行。",
        "僅顯示 {n} 行中的前 {shown} 行。",
    ),
    # ---- skipped analyses
    "conflict.skipped": (
        "Not computed for this data: {what}.",
        "此数据无法计算：{what}。",
        "此數據無法計算：{what}。",
    ),
    "conflict.skipped.none": (
        "Every analysis of the diagnosis ran on this data.",
        "本诊断的全部分析均已在此数据上完成。",
        "本診斷的全部分析均已在此數據上完成。",
    ),
    "conflict.skipped.no_table": (
        "the data has no {table} table",
        "数据中没有{table}表",
        "數據中沒有{table}表",
    ),
    "conflict.skipped.reason_generic": (
        "the data cannot support this analysis (the library's message is shown on hovering)",
        "数据不足以支持此分析（鼠标悬停可查看程序原文）",
        "數據不足以支持此分析（滑鼠懸停可查看程式原文）",
    ),
    "conflict.table.calls": ("calls", "通话", "通話"),
    "conflict.table.surveys": ("survey", "满意度调查", "滿意度調查"),
    "conflict.an.correlations": ("correlation map", "相关图", "相關圖"),
    "conflict.an.within_between": (
        "within- and between-agent relations",
        "坐席内与坐席间关系",
        "坐席內與坐席間關係",
    ),
    "conflict.an.expected": ("expected relations", "预期关系", "預期關係"),
    "conflict.an.trends_team": ("team trend conflicts", "团队趋势冲突", "團隊趨勢衝突"),
    "conflict.an.trends_agent": ("agent trend conflicts", "坐席趋势冲突", "坐席趨勢衝突"),
    "conflict.an.relevance": (
        "relevance to business outcomes",
        "与业务结果的相关性",
        "與業務結果的相關性",
    ),
    "conflict.an.alpha_by_dimension": ("consistency per dimension", "各维度一致性", "各維度一致性"),
    "conflict.an.components": ("principal components", "主成分", "主成分"),
    "conflict.an.over_promising": ("over-promising check", "过度承诺检查", "過度承諾檢查"),
    "conflict.an.bunching": ("bunching per agent", "各坐席通话堆积", "各坐席通話堆積"),
    "conflict.an.bunching_team": ("bunching per team", "各团队通话堆积", "各團隊通話堆積"),
    "conflict.an.bunching_bins": ("talk-time distribution", "通话时长分布", "通話時長分佈"),
    "conflict.an.call_padding": ("short-call padding check", "短通话灌水检查", "短通話灌水檢查"),
    "conflict.an.need_intent": (
        "need-versus-intent check",
        "需求与意向一致性检查",
        "需求與意向一致性檢查",
    ),
    "conflict.an.selective_surveys": ("survey selection check", "调查挑选检查", "調查挑選檢查"),
    "conflict.an.flagged_quality": (
        "cost to customers of flagged agents",
        "被提示坐席对客户的影响",
        "被提示坐席對客戶的影響",
    ),
    "conflict.an.gaming (calls)": (
        "gaming checks on calls",
        "基于通话的刷指标检查",
        "基於通話的刷指標檢查",
    ),
    "conflict.an.other": ("one analysis ({name})", "一项分析（{name}）", "一項分析（{name}）"),
    # ---- charts
    "conflict.plot.pairs_title": (
        "Strongest relations between indicators",
        "指标之间最强的关联",
        "指標之間最強的關聯",
    ),
    "conflict.plot.pairs_x": (
        "relation (−1 = pull against each other, +1 = move together)",
        "关联（−1 = 相互拉扯，+1 = 同向变化）",
        "關聯（−1 = 相互拉扯，+1 = 同向變化）",
    ),
    "conflict.plot.against": ("pull against each other", "相互拉扯", "相互拉扯"),
    "conflict.plot.together": ("move together", "同向变化", "同向變化"),
    "conflict.plot.interval": ("95 % interval", "95% 区间", "95% 區間"),
    "conflict.plot.bunching_title": (
        "Talk times around the effective-call threshold",
        "有效通话门槛附近的通话时长",
        "有效通話門檻附近的通話時長",
    ),
    "conflict.plot.observed": ("calls observed", "实际通话", "實際通話"),
    "conflict.plot.expected": ("expected without gaming", "无刷量时的预期", "無刷量時的預期"),
    "conflict.plot.window": ("window left out of the fit", "拟合时排除的区间", "擬合時排除的區間"),
    "conflict.plot.threshold": ("threshold {seconds} s", "门槛 {seconds} 秒", "門檻 {seconds} 秒"),
    "conflict.plot.talk": (
        "talk time of connected calls (s)",
        "接通通话的通话时长（秒）",
        "接通通話的通話時長（秒）",
    ),
    "conflict.plot.calls": ("calls per bin", "每个区间的通话数", "每個區間的通話數"),
    # ---- notes under charts and tables
    "conflict.note.pairs": (
        "Each bar is one pair of indicators; red bars pull against each other (doing well on "
        'one goes with doing badly on the other, with "fewer complaints" counted as doing '
        "well), blue bars move together. The thin line shows the range we are 95 % sure of.",
        "每根条形代表一组指标；红色表示相互拉扯（一项做得好，另一项往往做得差；“投诉更少”算作做得好），蓝色表示同向变化。细线为 95% 把握的范围。",
        "每根條形代表一組指標；紅色表示相互拉扯（一項做得好，另一項往往做得差；「投訴更少」算作做得好），藍色表示同向變化。細線為 95% 把握的範圍。",
    ),
    "conflict.note.bunching": (
        "Bars are the calls observed per talk-time bin, the black line the calls expected "
        "without gaming. Red bars just right of the threshold above the line are calls that "
        "end suspiciously soon after they count as effective.",
        "条形为各通话时长区间的实际通话数，黑线为无刷量时的预期通话数。门槛右侧高于黑线的红色条形，是刚算作有效就结束的可疑通话。",
        "條形為各通話時長區間的實際通話數，黑線為無刷量時的預期通話數。門檻右側高於黑線的紅色條形，是剛算作有效就結束的可疑通話。",
    ),
    "conflict.note.none_table": (
        "Nothing to report here.",
        "此处无需报告的内容。",
        "此處無需報告的內容。",
    ),
}
