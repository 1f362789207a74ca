"""Sentences, headings, table headers, axis labels and legends of the data-quality and QA-calibration page (data_quality notebook, quality_text, quality_plots).

key -> (English, Simplified Chinese, Traditional Chinese); ``{name}`` fields are filled by
:func:`kpi_lib.report.review_text.text`. Keys start with the module's prefix, so that no two
pages can define the same key (a test checks the whole catalogue).
"""

TEXTS: dict[str, tuple[str, str, str]] = {
    # ------------------------------------------------------------------ intro and headings
    "quality.intro": (
        "Can the numbers behind the scorecards be trusted? This page checks two things. "
        "**Coverage**: which tables, agents and periods are missing or thin, and which rows "
        "the loader had to set aside — a score computed on half a month of data looks as "
        "precise as any other. **Automatic judgements**: the recording-QA system decides "
        "whether a call was compliant and effective; here it is compared with the human "
        "reviewers' spot check, its errors are corrected for, the reviewers are checked "
        "against each other, and the next spot check is drawn. Figures in the text are 95 % "
        "ranges; the statistical detail is in the collapsed analyst sections.",
        "记分卡背后的数字可信吗？本页检查两件事。**覆盖情况**：哪些数据表、坐席和期间缺失或数据过少，"
        "以及加载时被隔离的行——只用半个月数据算出的得分看起来和其他得分一样精确。"
        "**系统自动评判**：录音质检系统判断每通电话是否合规、是否有效；本页将其与人工抽检对比，"
        "校正系统误差，检查复核员之间是否一致，并抽取下一批抽检通话。文中区间均为 95 % 区间；"
        "统计细节在折叠的分析师部分。",
        "記分卡背後的數字可信嗎？本頁檢查兩件事。**覆蓋情況**：哪些數據表、坐席和期間缺失或數據過少，"
        "以及載入時被隔離的行——只用半個月數據算出的得分看起來和其他得分一樣精確。"
        "**系統自動評判**：錄音質檢系統判斷每通電話是否合規、是否有效；本頁將其與人工抽檢對比，"
        "校正系統誤差，檢查複核員之間是否一致，並抽取下一批抽檢通話。文中區間均為 95 % 區間；"
        "統計細節在摺疊的分析師部分。",
    ),
    "quality.h.coverage": ("1. Data coverage", "1. 数据覆盖情况", "1. 數據覆蓋情況"),
    "quality.h.tables": (
        "Tables and the load report",
        "数据表与加载报告",
        "數據表與載入報告",
    ),
    "quality.h.quarantine": (
        "Rows set aside while loading",
        "加载时隔离的行",
        "載入時隔離的行",
    ),
    "quality.h.heatmap": (
        "Coverage by table and period",
        "按数据表和期间的覆盖情况",
        "按數據表和期間的覆蓋情況",
    ),
    "quality.h.gaps": (
        "Indicators that cannot be computed",
        "无法计算的指标",
        "無法計算的指標",
    ),
    "quality.h.summary": ("What to act on", "需要处理的事项", "需要處理的事項"),
    "quality.h.agreement": (
        "2. Automatic vs human judgements",
        "2. 系统与人工评判对比",
        "2. 系統與人工評判對比",
    ),
    "quality.h.flags": (
        "Agents whose system-measured rates look inflated",
        "系统测量比率疑似偏高的坐席",
        "系統測量比率疑似偏高的坐席",
    ),
    "quality.h.corrected": ("3. Corrected indicators", "3. 校正后的指标", "3. 校正後的指標"),
    "quality.h.reviewers": (
        "4. Are the human reviewers consistent?",
        "4. 人工复核员是否一致？",
        "4. 人工複核員是否一致？",
    ),
    "quality.h.spot": ("5. Next spot check", "5. 下次抽检", "5. 下次抽檢"),
    "quality.analyst": (
        "Analyst detail: {what}",
        "分析师细节：{what}",
        "分析師細節：{what}",
    ),
    "quality.unavailable": (
        "Without usable QA reviews this page shows coverage and the next spot check only; "
        "not available: {sections}.",
        "由于没有可用的质检复核数据，本页只显示数据覆盖情况和下次抽检；无法提供：{sections}。",
        "由於沒有可用的質檢複核數據，本頁只顯示數據覆蓋情況和下次抽檢；無法提供：{sections}。",
    ),
    "quality.list_sep": (", ", "、", "、"),
    "quality.nothing": ("Nothing to report.", "没有需要报告的内容。", "沒有需要報告的內容。"),
    # ------------------------------------------------------------------ notes under tables/charts
    "quality.note.tables": (
        "One row per table of the data contract. Rows read = rows used + rows set aside "
        "(quarantined) + rows removed by an import rule. A share of agents below 100 % means "
        "some agents have no rows at all in that table.",
        "每张数据表一行。读取行数 = 使用行数 + 隔离行数 + 导入规则删除的行数。"
        "坐席占比低于 100 % 表示部分坐席在该表中没有任何数据。",
        "每張數據表一行。讀取行數 = 使用行數 + 隔離行數 + 匯入規則刪除的行數。"
        "坐席佔比低於 100 % 表示部分坐席在該表中沒有任何數據。",
    ),
    "quality.note.quarantine": (
        "Rows set aside are not in any indicator. A reason affecting many rows usually means an "
        "export setting (date format, delimiter, a renamed category) rather than bad data "
        "entry: fix the export and reload.",
        "被隔离的行不计入任何指标。若同一原因影响大量行，通常是导出设置问题（日期格式、分隔符、"
        "类别改名），而非录入错误：请修正导出后重新加载。",
        "被隔離的行不計入任何指標。若同一原因影響大量行，通常是匯出設定問題（日期格式、分隔符、"
        "類別改名），而非錄入錯誤：請修正匯出後重新載入。",
    ),
    "quality.note.no_quarantine": (
        "No rows were set aside while loading.",
        "加载时没有行被隔离。",
        "載入時沒有行被隔離。",
    ),
    "quality.note.heatmap": (
        "Share of employed agents with normal data per table and period (green = everyone). "
        "A number in a cell counts agents with missing data (no rows although employed) or "
        "thin data (under a quarter of the typical agent's rows). A red column is a period "
        "missing from an export; a red row a table that is only partly exported.",
        "每张数据表每个期间有正常数据的在职坐席占比（绿色 = 全部）。格中数字为数据缺失"
        "（在职但没有数据）或数据过少（不到一般坐席的四分之一）的坐席数。整列变红说明某期间"
        "的导出缺失；整行变红说明该表只导出了一部分。",
        "每張數據表每個期間有正常數據的在職坐席佔比（綠色 = 全部）。格中數字為數據缺失"
        "（在職但沒有數據）或數據過少（不到一般坐席的四分之一）的坐席數。整列變紅說明某期間"
        "的匯出缺失；整行變紅說明該表只匯出了一部分。",
    ),
    "quality.note.gaps": (
        "For the scored period: how many agents each indicator could not be computed for, and "
        "the main reason. An indicator missing for a sizeable part of the team should not "
        "carry weight in this period's scores.",
        "本考核期间每个指标无法计算的坐席数及主要原因。若某指标对相当一部分团队成员缺失，"
        "本期得分中不应给它权重。",
        "本考核期間每個指標無法計算的坐席數及主要原因。若某指標對相當一部分團隊成員缺失，"
        "本期得分中不應給它權重。",
    ),
    "quality.note.no_gaps": (
        "Every indicator could be computed for every agent in this period.",
        "本期间所有指标都能为所有坐席计算。",
        "本期間所有指標都能為所有坐席計算。",
    ),
    "quality.note.unavailable": (
        "Indicators this dataset cannot provide at all (a table or column is missing):",
        "本数据集完全无法提供的指标（缺少数据表或字段）：",
        "本數據集完全無法提供的指標（缺少數據表或欄位）：",
    ),
    "quality.note.agreement_plots": (
        "The squares: how the system's yes/no compares with the reviewers'. The cell "
        "'system yes, reviewer no' is the error that inflates indicators: calls credited "
        "that were not effective or compliant. The bars: how often the system is right on "
        "calls reviewers judged yes and on calls they judged no (the whiskers show the 95 % "
        "range).",
        "方格图：系统的“是/否”与复核员的对比。“系统是、复核员否”这一格是让指标虚高的错误："
        "不合规或无效的通话被计为合规或有效。条形图：对复核员判为“是”和判为“否”的通话，系统各有多少"
        "判对（短线为 95 % 区间）。",
        "方格圖：系統的「是/否」與複核員的對比。「系統是、複核員否」這一格是讓指標虛高的錯誤："
        "不合規或無效的通話被計為合規或有效。條形圖：對複核員判為「是」和判為「否」的通話，系統各有多少"
        "判對（短線為 95 % 區間）。",
    ),
    "quality.note.flags": (
        "A flag compares the agent with the rest of their team: the system errs in this "
        "agent's favour clearly more often than for colleagues (after allowing for testing "
        "many agents). It happens when calls are shaped to pass the automatic check (e.g. "
        "padded to just over 3 minutes). A flag is a reason to listen to recordings, not a "
        "verdict.",
        "标记是与同团队其他坐席比较得出的：系统对该坐席有利的误判明显多于同事（已考虑同时检验"
        "多名坐席）。这通常发生在通话被刻意做成能通过自动检查的样子（例如刚好拖过 3 分钟）。"
        "标记是去听录音的理由，不是结论。",
        "標記是與同團隊其他坐席比較得出的：系統對該坐席有利的誤判明顯多於同事（已考慮同時檢驗"
        "多名坐席）。這通常發生在通話被刻意做成能通過自動檢查的樣子（例如剛好拖過 3 分鐘）。"
        "標記是去聽錄音的理由，不是結論。",
    ),
    "quality.note.flags_plot": (
        "Each dot is an agent's share of calls the system credited that reviewers did not, "
        "with its 95 % range; the dashed line is the rate for everyone. Red agents are flagged.",
        "每个点是某坐席被系统判为“是”而复核员判为“否”的通话比例，横线为 95 % 区间；"
        "虚线为全体坐席的比例。红色为被标记的坐席。",
        "每個點是某坐席被系統判為「是」而複核員判為「否」的通話比例，橫線為 95 % 區間；"
        "虛線為全體坐席的比例。紅色為被標記的坐席。",
    ),
    "quality.note.corrected": (
        "Each agent's system-measured rate re-estimated with the system's error rates from the "
        "human sample. Scoring can use the corrected values instead.",
        "用人工抽检得出的系统误差率重新估计每名坐席的系统测量比率。评分时可改用校正后的数值。",
        "用人工抽檢得出的系統誤差率重新估計每名坐席的系統測量比率。評分時可改用校正後的數值。",
    ),
    "quality.note.corrected_plot": (
        "Each dot is an agent: system-measured rate across, corrected rate up. Dots below the "
        "dashed diagonal are agents the system over-credits. Long bars mean few reviewed calls: "
        "small differences between such agents should not decide rankings.",
        "每个点是一名坐席：横轴为系统测量比率，纵轴为校正后比率。位于虚线对角线下方的坐席被系统"
        "高估。竖线越长说明复核的通话越少：这些坐席之间的小差别不应决定排名。",
        "每個點是一名坐席：橫軸為系統測量比率，縱軸為校正後比率。位於虛線對角線下方的坐席被系統"
        "高估。豎線越長說明複核的通話越少：這些坐席之間的小差別不應決定排名。",
    ),
    "quality.note.reviewers_plot": (
        "Left: agreement between every pair of raters (the system included) on the calls both "
        "judged (1 = always agree beyond chance). Right: how much more often each reviewer "
        "says yes than colleagues judging the same calls (red = lenient, blue = strict). A "
        "lenient reviewer makes the system look better than it is.",
        "左图：每两名评判者（含系统）在共同评判的通话上的一致程度（1 = 除偶然外完全一致）。"
        "右图：每名复核员对同一批通话判“是”的频率比同事高多少（红 = 偏宽松，蓝 = 偏严格）。"
        "偏宽松的复核员会让系统显得比实际更好。",
        "左圖：每兩名評判者（含系統）在共同評判的通話上的一致程度（1 = 除偶然外完全一致）。"
        "右圖：每名複核員對同一批通話判「是」的頻率比同事高多少（紅 = 偏寬鬆，藍 = 偏嚴格）。"
        "偏寬鬆的複核員會讓系統顯得比實際更好。",
    ),
    "quality.note.spot": (
        "The calls drawn for the QA team's next manual review. Borderline calls (talk time "
        "near 3 minutes, low customer intent, flagged by a pre-check) are drawn more often; "
        "the estimates undo that with a weight. The sheet is blind: reviewers do not see the "
        "system's verdict.",
        "为质检团队下一轮人工复核抽取的通话。临界通话（通话时长接近 3 分钟、客户意向低、"
        "被预检标记）被多抽；估计时用权重抵消。抽检表不显示系统结论，以免影响复核员。",
        "為質檢團隊下一輪人工複核抽取的通話。臨界通話（通話時長接近 3 分鐘、客戶意向低、"
        "被預檢標記）被多抽；估計時用權重抵銷。抽檢表不顯示系統結論，以免影響複核員。",
    ),
    # ------------------------------------------------------------------ names
    "quality.j.effective": ("effective call", "有效通话", "有效通話"),
    "quality.j.compliant": ("script compliance", "话术合规", "話術合規"),
    "quality.adj.effective": ("effective", "有效", "有效"),
    "quality.adj.compliant": ("compliant", "合规", "合規"),
    "quality.col.p": ("p-value", "p 值", "p 值"),
    "quality.table.agents": ("agents", "坐席", "坐席"),
    "quality.table.calls": ("calls", "通话", "通話"),
    "quality.table.orders": ("orders", "订单", "訂單"),
    "quality.table.leads": ("leads", "线索", "線索"),
    "quality.table.qa_reviews": ("QA reviews", "质检复核", "質檢複核"),
    "quality.table.surveys": ("surveys", "满意度调查", "滿意度調查"),
    "quality.table.complaints": ("complaints", "投诉", "投訴"),
    "quality.table.trainings": ("trainings", "培训", "培訓"),
    "quality.table.proposals": ("proposals", "建议", "建議"),
    "quality.table.targets": ("targets", "目标", "目標"),
    "quality.status.ok": ("ok", "正常", "正常"),
    "quality.status.missing": ("not provided", "未提供", "未提供"),
    "quality.status.absent": ("missing (required)", "缺失（必需）", "缺失（必需）"),
    "quality.status.empty": ("empty", "为空", "為空"),
    "quality.status.partial": ("partly set aside", "部分被隔离", "部分被隔離"),
    "quality.kappa.undefined": ("undefined", "无法确定", "無法確定"),
    "quality.kappa.worse than chance": ("worse than chance", "比随机还差", "比隨機還差"),
    "quality.kappa.slight": ("slight", "极弱", "極弱"),
    "quality.kappa.fair": ("fair", "较弱", "較弱"),
    "quality.kappa.moderate": ("moderate", "中等", "中等"),
    "quality.kappa.substantial": ("substantial", "较强", "較強"),
    "quality.kappa.almost perfect": ("almost perfect", "几乎完全一致", "幾乎完全一致"),
    "quality.label.lenient": ("lenient", "偏宽松", "偏寬鬆"),
    "quality.label.strict": ("strict", "偏严格", "偏嚴格"),
    "quality.label.in line": ("in line", "正常", "正常"),
    "quality.label.too few calls": ("too few calls", "通话太少", "通話太少"),
    # ------------------------------------------------------------------ reasons
    "quality.reason.no_human": (
        "no human reviews to estimate the system's error rates",
        "没有人工复核，无法估计系统误差率",
        "沒有人工複核，無法估計系統誤差率",
    ),
    "quality.reason.chance": (
        "the system is no better than chance",
        "系统的判断不比随机好",
        "系統的判斷不比隨機好",
    ),
    "quality.reason.window": ("window not complete", "时间窗口不完整", "時間窗口不完整"),
    "quality.reason.no_data": (
        "no {what}",
        "没有{what}",
        "沒有{what}",
    ),
    "quality.reason.other": (
        "other reason (see the indicator table)",
        "其他原因（见指标表）",
        "其他原因（見指標表）",
    ),
    "quality.reason.export": ("missing in the export", "导出中缺失", "匯出中缺失"),
    "quality.reason.target": ("no team sales target", "没有团队销售目标", "沒有團隊銷售目標"),
    "quality.reason.level": ("level not in the level map", "等级不在映射表中", "等級不在映射表中"),
    "quality.reason.duration": ("duration above the maximum", "时长超过上限", "時長超過上限"),
    "quality.reason.future": (
        "timestamp after the export date",
        "时间晚于导出日期",
        "時間晚於匯出日期",
    ),
    "quality.reason.unknown_ref": (
        "refers to an unknown record",
        "引用了不存在的记录",
        "引用了不存在的記錄",
    ),
    "quality.reason.period_label": (
        "not a period label",
        "不是有效的期间标签",
        "不是有效的期間標籤",
    ),
    "quality.reason.format": ("value in the wrong format", "数值格式错误", "數值格式錯誤"),
    "quality.reason.order": (
        "inconsistent with another column",
        "与另一字段矛盾",
        "與另一欄位矛盾",
    ),
    "quality.reason.import": ("removed at import", "导入时删除", "匯入時刪除"),
    "quality.reason.rule": (
        "breaks a rule of the data contract",
        "违反数据约定的规则",
        "違反數據約定的規則",
    ),
    "quality.what.QA reviews": ("QA reviews", "质检复核", "質檢複核"),
    "quality.what.complaints": ("complaints", "投诉", "投訴"),
    "quality.what.connected calls": ("connected calls", "接通的通话", "接通的通話"),
    "quality.what.customers served": ("customers served", "服务的客户", "服務的客戶"),
    "quality.what.deals": ("deals", "成交", "成交"),
    "quality.what.dials": ("dials", "外呼", "外呼"),
    "quality.what.exams taken": ("exams taken", "参加的考试", "參加的考試"),
    "quality.what.human QA reviews": ("human QA reviews", "人工质检复核", "人工質檢複核"),
    "quality.what.leads assigned": ("leads assigned", "分配的线索", "分配的線索"),
    "quality.what.leads with intent": ("leads with intent", "有意向的线索", "有意向的線索"),
    "quality.what.ordering customers": ("ordering customers", "下单客户", "下單客戶"),
    "quality.what.sales": ("sales", "销售额", "銷售額"),
    "quality.what.surveys answered": ("surveys answered", "回答的满意度调查", "回答的滿意度調查"),
    "quality.what.system QA reviews": ("system QA reviews", "系统质检", "系統質檢"),
    # ------------------------------------------------------------------ table headers
    "quality.col.table": ("table", "数据表", "數據表"),
    "quality.col.status": ("status", "状态", "狀態"),
    "quality.col.required": ("required", "必需", "必需"),
    "quality.col.rows_read": ("rows read", "读取行数", "讀取行數"),
    "quality.col.rows_used": ("rows used", "使用行数", "使用行數"),
    "quality.col.rows_quarantined": ("rows set aside", "隔离行数", "隔離行數"),
    "quality.col.rows_filtered": (
        "rows removed at import",
        "导入时删除行数",
        "匯入時刪除行數",
    ),
    "quality.col.quarantined_share": ("share set aside", "隔离比例", "隔離比例"),
    "quality.col.first": ("first day", "起始日期", "起始日期"),
    "quality.col.last": ("last day", "截止日期", "截止日期"),
    "quality.col.agents_share": ("agents with data", "有数据的坐席占比", "有數據的坐席佔比"),
    "quality.col.missing_columns": ("optional columns missing", "缺少的可选字段", "缺少的可選欄位"),
    "quality.col.column": ("column", "字段", "欄位"),
    "quality.col.reason": ("reason", "原因", "原因"),
    "quality.col.rows": ("rows", "行数", "行數"),
    "quality.col.share": ("share of the table", "占该表比例", "佔該表比例"),
    "quality.col.examples": ("example values", "示例值", "示例值"),
    "quality.col.indicator": ("indicator", "指标", "指標"),
    "quality.col.units": ("agents", "坐席数", "坐席數"),
    "quality.col.missing": ("not computable", "无法计算", "無法計算"),
    "quality.col.share_missing": ("share not computable", "无法计算占比", "無法計算佔比"),
    "quality.col.main_reason": ("main reason", "主要原因", "主要原因"),
    "quality.col.needs": (
        "missing table or column",
        "缺少的数据表或字段",
        "缺少的數據表或欄位",
    ),
    "quality.col.judgement": ("judgement", "评判项", "評判項"),
    "quality.col.n": ("calls judged by both", "双方都评判的通话", "雙方都評判的通話"),
    "quality.col.observed_agreement": ("agreement", "一致率", "一致率"),
    "quality.col.kappa": ("kappa", "kappa 系数", "kappa 係數"),
    "quality.col.kappa_low": ("kappa low", "kappa 下限", "kappa 下限"),
    "quality.col.kappa_high": ("kappa high", "kappa 上限", "kappa 上限"),
    "quality.col.sensitivity": ("sensitivity", "敏感度", "敏感度"),
    "quality.col.specificity": ("specificity", "特异度", "特異度"),
    "quality.col.fpr": ("credited, QA said no", "系统判是、人工判否", "系統判是、人工判否"),
    "quality.col.fnr": ("missed, QA said yes", "系统判否、人工判是", "系統判否、人工判是"),
    "quality.col.system_rate": ("system rate", "系统比率", "系統比率"),
    "quality.col.human_rate": ("reviewer rate", "人工比率", "人工比率"),
    "quality.col.mcnemar_p": ("p-value (McNemar)", "p 值（McNemar）", "p 值（McNemar）"),
    "quality.col.agent": ("agent", "坐席", "坐席"),
    "quality.col.team": ("team", "团队", "團隊"),
    "quality.col.calls_reviewed": ("calls reviewed", "复核通话数", "複核通話數"),
    "quality.col.team_fpr": (
        "team: credited, QA said no",
        "团队：系统判是、人工判否",
        "團隊：系統判是、人工判否",
    ),
    "quality.col.fp_share": (
        "disagreements in the agent's favour",
        "分歧中有利于坐席的比例",
        "分歧中有利於坐席的比例",
    ),
    "quality.col.team_fp_share": (
        "team: disagreements in favour",
        "团队：分歧中有利比例",
        "團隊：分歧中有利比例",
    ),
    "quality.col.p_value": ("p (disagreement share)", "p 值（分歧比例）", "p 值（分歧比例）"),
    "quality.col.p_adjusted": ("p adjusted (BH)", "校正后 p 值（BH）", "校正後 p 值（BH）"),
    "quality.col.fpr_p_value": ("p (false-positive rate)", "p 值（误判率）", "p 值（誤判率）"),
    "quality.col.fpr_p_adjusted": (
        "p adjusted, rate (BH)",
        "校正后 p 值，误判率（BH）",
        "校正後 p 值，誤判率（BH）",
    ),
    "quality.col.flagged": ("flagged", "已标记", "已標記"),
    "quality.col.enough_data": ("enough reviewed calls", "复核通话足够", "複核通話足夠"),
    "quality.col.raw_value": ("system-measured", "系统测量值", "系統測量值"),
    "quality.col.value": ("corrected", "校正值", "校正值"),
    "quality.col.ci_low": ("corrected, low", "校正值下限", "校正值下限"),
    "quality.col.ci_high": ("corrected, high", "校正值上限", "校正值上限"),
    "quality.col.reviewer": ("reviewer", "复核员", "複核員"),
    "quality.col.shared_calls": ("calls judged by several", "多人评判的通话", "多人評判的通話"),
    "quality.col.fleiss_kappa": ("Fleiss' kappa", "Fleiss kappa 系数", "Fleiss kappa 係數"),
    "quality.col.positive_rate": ("says yes", "判“是”比例", "判「是」比例"),
    "quality.col.others_rate": ("colleagues say yes", "同事判“是”比例", "同事判「是」比例"),
    "quality.col.leniency": ("difference", "差异", "差異"),
    "quality.col.label": ("verdict", "结论", "結論"),
    "quality.col.call_id": ("call", "通话", "通話"),
    "quality.col.started_at": ("date", "日期", "日期"),
    "quality.col.borderline": ("borderline", "临界通话", "臨界通話"),
    "quality.spot.reason.near_threshold": (
        "talk time near {seconds} s",
        "通话时长接近 {seconds} 秒",
        "通話時長接近 {seconds} 秒",
    ),
    "quality.spot.reason.borderline_intent": (
        "borderline intent",
        "意向评分处于临界",
        "意向評分處於臨界",
    ),
    "quality.spot.reason.prescreen": ("pre-screen flag", "预筛标记", "預篩標記"),
    "quality.spot.reason.system_disagrees": (
        "automatic judgement disagrees with the call record",
        "自动判定与通话记录不一致",
        "自動判定與通話記錄不一致",
    ),
    "quality.spot.reason.random": ("random", "随机抽取", "隨機抽取"),
    # ------------------------------------------------------------------ coverage sentences
    "quality.cov.absent": (
        "Tables not provided: {tables} — indicators built on them are missing for everyone.",
        "未提供的数据表：{tables}——基于这些表的指标对所有人缺失。",
        "未提供的數據表：{tables}——基於這些表的指標對所有人缺失。",
    ),
    "quality.cov.columns": (
        "{table} lacks optional column(s) {columns}.",
        "{table}缺少可选字段 {columns}。",
        "{table}缺少可選欄位 {columns}。",
    ),
    "quality.cov.quarantined": (
        "Rows set aside while loading: {tables} (see the table for reasons).",
        "加载时被隔离的行：{tables}（原因见表格）。",
        "載入時被隔離的行：{tables}（原因見表格）。",
    ),
    "quality.cov.table_rows": ("{table} {rows}", "{table} {rows} 行", "{table} {rows} 行"),
    "quality.cov.filtered": (
        "Rows removed by import rules: {tables}.",
        "导入规则删除的行：{tables}。",
        "匯入規則刪除的行：{tables}。",
    ),
    "quality.cov.thin": (
        "{table} in {period}: only {share} of {n} agents have normal data ({missing} missing, "
        "{thin} thin).",
        "{table}（{period}）：{n} 名坐席中只有 {share} 数据正常（{missing} 名缺失，{thin} 名过少）。",
        "{table}（{period}）：{n} 名坐席中只有 {share} 數據正常（{missing} 名缺失，{thin} 名過少）。",
    ),
    "quality.cov.all_ok": (
        "Every table covers at least 90 % of employed agents in every period.",
        "每张数据表在每个期间都覆盖至少 90 % 的在职坐席。",
        "每張數據表在每個期間都覆蓋至少 90 % 的在職坐席。",
    ),
    "quality.cov.gap": (
        "{indicator} cannot be computed for {missing} of {units} agents ({share}); main "
        "reason: {reason}.",
        "{indicator}：{units} 名坐席中有 {missing} 名无法计算（{share}）；主要原因：{reason}。",
        "{indicator}：{units} 名坐席中有 {missing} 名無法計算（{share}）；主要原因：{reason}。",
    ),
    # ------------------------------------------------------------------ agreement sentences
    "quality.agr.main": (
        "**{name}** ({n} calls judged by both): the system and the reviewers agree on {agree} "
        "of calls — {word} agreement beyond chance.",
        "**{name}**（双方都评判的通话 {n} 通）：系统与复核员在 {agree} 的通话上一致——"
        "排除偶然因素后一致程度{word}。",
        "**{name}**（雙方都評判的通話 {n} 通）：系統與複核員在 {agree} 的通話上一致——"
        "排除偶然因素後一致程度{word}。",
    ),
    "quality.agr.fp": (
        "Of the calls reviewers judged not {name_lower}, the system credited {fpr} (95 % sure "
        "between {low} and {high}); it missed {fnr} of the ones reviewers credited.",
        "复核员判为非{name_lower}的通话中，系统判为{name_lower}的占 {fpr}（95 % 可能在 {low} 到 "
        "{high} 之间）；复核员判为{name_lower}的通话中，系统漏判了 {fnr}。",
        "複核員判為非{name_lower}的通話中，系統判為{name_lower}的佔 {fpr}（95 % 可能在 {low} 到 "
        "{high} 之間）；複核員判為{name_lower}的通話中，系統漏判了 {fnr}。",
    ),
    "quality.agr.up": (
        "The system's rate is {system} against {human} by reviewers: system-measured rates "
        "run about {points} points too high",
        "系统比率为 {system}，复核员为 {human}：系统测量的比率约高出 {points} 个百分点",
        "系統比率為 {system}，複核員為 {human}：系統測量的比率約高出 {points} 個百分點",
    ),
    "quality.agr.down": (
        "The system's rate is {system} against {human} by reviewers: system-measured rates "
        "run about {points} points too low",
        "系统比率为 {system}，复核员为 {human}：系统测量的比率约低了 {points} 个百分点",
        "系統比率為 {system}，複核員為 {human}：系統測量的比率約低了 {points} 個百分點",
    ),
    "quality.agr.real": (
        ", very likely a real bias.",
        "，很可能是系统性偏差。",
        "，很可能是系統性偏差。",
    ),
    "quality.agr.chance": (
        ", which may be chance.",
        "，可能只是偶然。",
        "，可能只是偶然。",
    ),
    "quality.agr.weak": (
        "Do not use the system-measured {name_lower} rate for pay without the correction below.",
        "未经下文校正，不要把系统测量的{name_lower}比率用于薪酬。",
        "未經下文校正，不要把系統測量的{name_lower}比率用於薪酬。",
    ),
    "quality.agr.strong": (
        "The system's {name_lower} judgement can be relied on.",
        "系统的{name_lower}判断可以信赖。",
        "系統的{name_lower}判斷可以信賴。",
    ),
    # ------------------------------------------------------------------ flags
    "quality.flag.none": (
        "**{name}**: no agent's rate looks inflated compared with their team.",
        "**{name}**：与所在团队相比，没有坐席的比率显得虚高。",
        "**{name}**：與所在團隊相比，沒有坐席的比率顯得虛高。",
    ),
    "quality.flag.head": (
        "**{name}**: {n} agent(s) look inflated compared with their team. Listen to a few of "
        "their calls the system credited before using their system-measured rate; use the "
        "corrected rate in scoring.",
        "**{name}**：{n} 名坐席与所在团队相比显得虚高。使用其系统测量比率前，先抽听几通被系统"
        "判为“是”的录音；评分时改用校正后比率。",
        "**{name}**：{n} 名坐席與所在團隊相比顯得虛高。使用其系統測量比率前，先抽聽幾通被系統"
        "判為「是」的錄音；評分時改用校正後比率。",
    ),
    "quality.flag.fpr": (
        "{agent} (team {team}): the system credits {fpr} of this agent's calls as "
        "{name_lower} that QA judged not, against {team_fpr} for the team",
        "{agent}（团队 {team}）：质检判为非{name_lower}的通话中，系统把 {fpr} 判为"
        "{name_lower}，而团队为 {team_fpr}",
        "{agent}（團隊 {team}）：質檢判為非{name_lower}的通話中，系統把 {fpr} 判為"
        "{name_lower}，而團隊為 {team_fpr}",
    ),
    "quality.flag.share": (
        "{agent} (team {team}): where the system and QA disagree, {share} of the errors are "
        "in the agent's favour, against {team_share} for the team",
        "{agent}（团队 {team}）：系统与质检意见不一致的通话中，{share} 的误判有利于该坐席，"
        "而团队为 {team_share}",
        "{agent}（團隊 {team}）：系統與質檢意見不一致的通話中，{share} 的誤判有利於該坐席，"
        "而團隊為 {team_share}",
    ),
    "quality.flag.both": (
        "; where they disagree, {share} of the errors favour the agent (team {team_share})",
        "；意见不一致时，{share} 的误判有利于该坐席（团队 {team_share}）",
        "；意見不一致時，{share} 的誤判有利於該坐席（團隊 {team_share}）",
    ),
    "quality.flag.end": (".", "。", "。"),
    "quality.flag.more": (
        "… and {n} more (see the analyst detail).",
        "……另有 {n} 名（见分析师细节）。",
        "……另有 {n} 名（見分析師細節）。",
    ),
    "quality.flag.thin": (
        "{n} agent(s) had fewer than {min} calls reviewed by both and are not judged.",
        "{n} 名坐席双方都评判的通话少于 {min} 通，未作判断。",
        "{n} 名坐席雙方都評判的通話少於 {min} 通，未作判斷。",
    ),
    # ------------------------------------------------------------------ correction
    "quality.cor.main": (
        "**{indicator}**: system-measured {raw}, corrected {corrected} on average; a typical "
        "agent's corrected value is uncertain by ± {width} points.",
        "**{indicator}**：系统测量平均 {raw}，校正后平均 {corrected}；单个坐席的校正值通常有 "
        "± {width} 个百分点的不确定性。",
        "**{indicator}**：系統測量平均 {raw}，校正後平均 {corrected}；單個坐席的校正值通常有 "
        "± {width} 個百分點的不確定性。",
    ),
    "quality.cor.clipped": (
        "For {n} of {total} agents the corrected value hits 0 % or 100 % (the measured rate is "
        "outside what the system's error rates can explain).",
        "{total} 名坐席中有 {n} 名的校正值为 0 % 或 100 %（测量比率超出系统误差率可以解释的范围）。",
        "{total} 名坐席中有 {n} 名的校正值為 0 % 或 100 %（測量比率超出系統誤差率可以解釋的範圍）。",
    ),
    "quality.cor.none": (
        "**{indicator}** cannot be corrected: {reason}.",
        "**{indicator}** 无法校正：{reason}。",
        "**{indicator}** 無法校正：{reason}。",
    ),
    # ------------------------------------------------------------------ reviewers
    "quality.rev.unknown": (
        "**{name}**: no call was reviewed by two people, so reviewer agreement is unknown.",
        "**{name}**：没有通话被两人复核，无法判断复核员之间的一致性。",
        "**{name}**：沒有通話被兩人複核，無法判斷複核員之間的一致性。",
    ),
    "quality.rev.main": (
        "**{name}**: on {calls} calls judged by several reviewers, they agree on {agree} of "
        "judgements — {word} agreement beyond chance.",
        "**{name}**：在 {calls} 通由多名复核员评判的通话上，判断一致率为 {agree}——"
        "排除偶然因素后一致程度{word}。",
        "**{name}**：在 {calls} 通由多名複核員評判的通話上，判斷一致率為 {agree}——"
        "排除偶然因素後一致程度{word}。",
    ),
    "quality.rev.shaky": (
        "The human reference itself is shaky: align the reviewers before relying on it.",
        "人工基准本身不稳：依赖它之前先统一复核员的标准。",
        "人工基準本身不穩：依賴它之前先統一複核員的標準。",
    ),
    "quality.rev.lenient": (
        "Reviewer **{reviewer}** says yes to {name_lower} {points} points more often than "
        "colleagues on the same calls (lenient). Hold a calibration session with shared "
        "recordings.",
        "复核员 **{reviewer}** 在同一批通话上判{name_lower}为“是”的频率比同事高 {points} 个"
        "百分点（偏宽松）。请用共同录音开一次校准会。",
        "複核員 **{reviewer}** 在同一批通話上判{name_lower}為「是」的頻率比同事高 {points} 個"
        "百分點（偏寬鬆）。請用共同錄音開一次校準會。",
    ),
    "quality.rev.strict": (
        "Reviewer **{reviewer}** says yes to {name_lower} {points} points less often than "
        "colleagues on the same calls (strict). Hold a calibration session with shared "
        "recordings.",
        "复核员 **{reviewer}** 在同一批通话上判{name_lower}为“是”的频率比同事低 {points} 个"
        "百分点（偏严格）。请用共同录音开一次校准会。",
        "複核員 **{reviewer}** 在同一批通話上判{name_lower}為「是」的頻率比同事低 {points} 個"
        "百分點（偏嚴格）。請用共同錄音開一次校準會。",
    ),
    # ------------------------------------------------------------------ spot check
    "quality.spot.none": (
        "No calls were eligible for the spot check in this period.",
        "本期间没有可供抽检的通话。",
        "本期間沒有可供抽檢的通話。",
    ),
    "quality.spot.main": (
        "{n} calls from {agents} agents ({low}–{high} per agent); {focus} are borderline calls "
        "drawn more often on purpose.",
        "共 {n} 通，来自 {agents} 名坐席（每人 {low}–{high} 通）；其中 {focus} 是有意多抽的临界通话。",
        "共 {n} 通，來自 {agents} 名坐席（每人 {low}–{high} 通）；其中 {focus} 是有意多抽的臨界通話。",
    ),
    "quality.spot.fill": (
        "Reviewers listen to each recording and fill in whether the call was compliant and "
        "effective (yes/no), their name and notes.",
        "复核员逐条听录音，填写通话是否合规、是否有效（是/否）、复核员姓名和备注。",
        "複核員逐條聽錄音，填寫通話是否合規、是否有效（是/否）、複核員姓名和備註。",
    ),
    "quality.spot.sheet": (
        "Sheet written to {path}.",
        "抽检表已写入 {path}。",
        "抽檢表已寫入 {path}。",
    ),
    # ------------------------------------------------------------------ charts
    "quality.plot.coverage_title": (
        "Data coverage by table and period",
        "按数据表和期间的数据覆盖",
        "按數據表和期間的數據覆蓋",
    ),
    "quality.plot.coverage_bar": (
        "share of agents with usable data",
        "有可用数据的坐席占比",
        "有可用數據的坐席佔比",
    ),
    "quality.plot.missing_thin": (
        "{missing} missing\n{thin} thin",
        "缺 {missing}\n少 {thin}",
        "缺 {missing}\n少 {thin}",
    ),
    "quality.plot.missing": ("{n} missing", "缺 {n}", "缺 {n}"),
    "quality.plot.thin": ("{n} thin", "少 {n}", "少 {n}"),
    "quality.plot.both_yes": ("both yes", "双方都判是", "雙方都判是"),
    "quality.plot.both_no": ("both no", "双方都判否", "雙方都判否"),
    "quality.plot.fp": (
        "system yes, reviewer no\n(inflates)",
        "系统是、复核员否\n（使指标虚高）",
        "系統是、複核員否\n（使指標虛高）",
    ),
    "quality.plot.fn": (
        "system no, reviewer yes\n(missed)",
        "系统否、复核员是\n（漏判）",
        "系統否、複核員是\n（漏判）",
    ),
    "quality.plot.human_yes": ("reviewer: yes", "复核员：是", "複核員：是"),
    "quality.plot.human_no": ("reviewer: no", "复核员：否", "複核員：否"),
    "quality.plot.system_yes": ("system: yes", "系统：是", "系統：是"),
    "quality.plot.system_no": ("system: no", "系统：否", "系統：否"),
    "quality.plot.confusion_title": (
        "System vs reviewers: {name}",
        "系统与复核员：{name}",
        "系統與複核員：{name}",
    ),
    "quality.plot.right_on_yes": (
        "right when reviewers say yes",
        "复核员判是时系统判对",
        "複核員判是時系統判對",
    ),
    "quality.plot.right_on_no": (
        "right when reviewers say no",
        "复核员判否时系统判对",
        "複核員判否時系統判對",
    ),
    "quality.plot.agreement_title": (
        "How often the system is right",
        "系统判对的比例",
        "系統判對的比例",
    ),
    "quality.plot.share": ("share of calls", "通话占比", "通話佔比"),
    "quality.plot.fpr_axis": (
        "share credited that reviewers judged not",
        "复核员判否而系统判是的比例",
        "複核員判否而系統判是的比例",
    ),
    "quality.plot.all_agents": ("all agents", "全体坐席", "全體坐席"),
    "quality.plot.flagged": ("flagged", "已标记", "已標記"),
    "quality.plot.not_flagged": ("not flagged", "未标记", "未標記"),
    "quality.plot.flags_title": (
        "Where the system over-credits: {name}",
        "系统多判为“是”的坐席：{name}",
        "系統多判為「是」的坐席：{name}",
    ),
    "quality.plot.raw_axis": ("system-measured rate", "系统测量比率", "系統測量比率"),
    "quality.plot.corrected_axis": (
        "corrected rate (95 % range)",
        "校正后比率（95 % 区间）",
        "校正後比率（95 % 區間）",
    ),
    "quality.plot.no_change": ("no change", "无变化", "無變化"),
    "quality.plot.leniency_axis": (
        "says yes more (+) or less (−) often than colleagues, points",
        "判“是”比同事多（+）或少（−）的百分点",
        "判「是」比同事多（+）或少（−）的百分點",
    ),
    "quality.plot.leniency_title": ("Reviewer leniency", "复核员宽严程度", "複核員寬嚴程度"),
    "quality.plot.kappa_bar": ("agreement (kappa)", "一致程度（kappa）", "一致程度（kappa）"),
    "quality.plot.pairs_title": (
        "Agreement between raters: {name}",
        "评判者之间的一致程度：{name}",
        "評判者之間的一致程度：{name}",
    ),
    "quality.plot.system": ("system", "系统", "系統"),
}
