"""Sentences of the "no usable calls in period" page and its index headline.

Published by ``kpi review`` instead of the review when the period has no call to score (see
:mod:`kpi_lib.report.no_calls_page`). key -> (English, Simplified Chinese, Traditional
Chinese); ``{name}`` fields are filled by :func:`kpi_lib.report.review_text.text`.
"""

TEXTS: dict[str, tuple[str, str, str]] = {
    "page.no_calls": ("No usable calls", "没有可用通话", "沒有可用通話"),
    "nocalls.h1": (
        "No usable calls in {period}",
        "{period} 没有可用通话",
        "{period} 沒有可用通話",
    ),
    "nocalls.lead": (
        "Nothing was scored for {period}: the review scores calls, and this period has none that "
        "can be used. No ranking, bonus, improvement plan or coaching decision was taken.",
        "{period} 未计分：绩效回顾以通话为计分基础，而本期没有可用的通话。本期不做排名、奖金、"
        "绩效改进计划或辅导决定。",
        "{period} 未計分：績效回顧以通話為計分基礎，而本期沒有可用的通話。本期不做排名、獎金、"
        "績效改進計劃或輔導決定。",
    ),
    "nocalls.cause.empty": (
        "The calls table of the export has no rows ({file}).",
        "导出文件中的通话表没有任何数据行（{file}）。",
        "匯出檔案中的通話表沒有任何數據列（{file}）。",
    ),
    "nocalls.cause.quarantined": (
        "All {read} calls read were set aside by the data checks (reasons below), so none is "
        "left to score.",
        "读取的全部 {read} 条通话都未通过数据校验而被隔离（原因见下表），没有可计分的通话。",
        "讀取的全部 {read} 條通話都未通過數據校驗而被隔離（原因見下表），沒有可計分的通話。",
    ),
    "nocalls.cause.filtered": (
        "The import's rules removed all {read} calls of the export (rows filtered at import "
        "below), so none is left to score.",
        "导入规则移除了导出文件中的全部 {read} 条通话（见下表“导入时筛除”），没有可计分的通话。",
        "匯入規則移除了匯出檔案中的全部 {read} 條通話（見下表「匯入時篩除」），沒有可計分的通話。",
    ),
    "nocalls.cause.declared_empty": (
        "The import mapping declares the calls table empty ({reason}): this export has no call "
        "log, so a review, which scores calls, cannot score it.",
        "导入映射声明通话表为空（{reason}）：该导出没有通话记录，而绩效回顾以通话计分，因此无法计分。",
        "匯入映射聲明通話表為空（{reason}）：該匯出沒有通話記錄，而績效回顧以通話計分，因此無法計分。",
    ),
    "nocalls.cause.none_in_period": (
        "The data hold {used} usable calls, from {first} to {last}, but none in {period}.",
        "数据中有 {used} 条可用通话（{first} 至 {last}），但 {period} 一条也没有。",
        "數據中有 {used} 條可用通話（{first} 至 {last}），但 {period} 一條也沒有。",
    ),
    "nocalls.h.accounting": (
        "Rows read, per table",
        "各数据表读取行数",
        "各數據表讀取行數",
    ),
    "nocalls.accounting": (
        "Every row read is used, set aside by the data checks or filtered by the import's rules "
        "(read = used + set aside + filtered). These counts are for the whole export.",
        "读取的每一行要么被使用，要么被数据校验隔离，要么被导入规则筛除（读取 = 使用 + 隔离 + 筛除）。"
        "以下为整个导出文件的计数。",
        "讀取的每一列要麼被使用，要麼被數據校驗隔離，要麼被匯入規則篩除（讀取 = 使用 + 隔離 + 篩除）。"
        "以下為整個匯出檔案的計數。",
    ),
    "nocalls.h.reasons": (
        "Why rows were set aside",
        "行被隔离的原因",
        "列被隔離的原因",
    ),
    "nocalls.no_reasons": (
        "No row was set aside.",
        "没有行被隔离。",
        "沒有列被隔離。",
    ),
    "nocalls.col.reason": ("Reason", "原因", "原因"),
    "nocalls.col.rows": ("Rows", "行数", "行數"),
    "nocalls.h.todo": ("What to do", "下一步", "下一步"),
    "nocalls.todo.validate": (
        "Run `kpi validate {dataset}` to see every row set aside and why; "
        "`--quarantine-out quarantine.csv` writes those rows with their raw values.",
        "运行 `kpi validate {dataset}` 查看每一行被隔离的原因；"
        "加上 `--quarantine-out quarantine.csv` 可导出这些行及其原始值。",
        "執行 `kpi validate {dataset}` 查看每一列被隔離的原因；"
        "加上 `--quarantine-out quarantine.csv` 可匯出這些列及其原始值。",
    ),
    "nocalls.todo.empty": (
        "Check that the dialler or CRM export ran for {period} and wrote its calls (the export's "
        "date filter, the file copied).",
        "请确认拨号系统或 CRM 已导出 {period} 的通话（检查导出的日期筛选和复制的文件）。",
        "請確認撥號系統或 CRM 已匯出 {period} 的通話（檢查匯出的日期篩選和複製的檔案）。",
    ),
    "nocalls.todo.quarantined": (
        "Fix the export or its import mapping so that calls pass the data contract "
        "(docs/data-contract.md, docs/mappings.md).",
        "修正导出文件或其导入映射，使通话符合数据约定（docs/data-contract.md、docs/mappings.md）。",
        "修正匯出檔案或其匯入映射，使通話符合數據約定（docs/data-contract.md、docs/mappings.md）。",
    ),
    "nocalls.todo.filtered": (
        "Check the `filters` and sentinels of the import mapping: they removed every call "
        "(docs/mappings.md).",
        "检查导入映射中的 `filters` 与哨兵值设置：它们移除了全部通话（docs/mappings.md）。",
        "檢查匯入映射中的 `filters` 與哨兵值設定：它們移除了全部通話（docs/mappings.md）。",
    ),
    "nocalls.todo.declared_empty": (
        "Use `kpi compute {dataset}` for the indicators this data can provide (orders, leads...), "
        "or import a call log with the export.",
        "使用 `kpi compute {dataset}` 计算该数据可提供的指标（订单、线索等），或随导出一并导入通话记录。",
        "使用 `kpi compute {dataset}` 計算該數據可提供的指標（訂單、線索等），或隨匯出一併匯入通話記錄。",
    ),
    "nocalls.todo.none_in_period": (
        "Check the period asked for (periods with calls: {periods}) and that the export "
        "covers {period}.",
        "请核对所请求的期间（有通话的期间：{periods}），并确认导出文件覆盖 {period}。",
        "請核對所請求的期間（有通話的期間：{periods}），並確認匯出檔案涵蓋 {period}。",
    ),
    "nocalls.todo.rerun": (
        "Then run the review again: the full review replaces this page.",
        "然后重新运行绩效回顾：完整的回顾将替换本页。",
        "然後重新執行績效回顧：完整的回顧將替換本頁。",
    ),
    "nocalls.headline": (
        "No usable calls in {period}: nothing was scored and no decision was taken.",
        "{period} 没有可用通话：本期未计分，也未做任何决定。",
        "{period} 沒有可用通話：本期未計分，也未做任何決定。",
    ),
    "nocalls.headline.link": (
        "What happened and what to do: see the page below.",
        "原因及处理办法见下方页面。",
        "原因及處理辦法見下方頁面。",
    ),
    "nocalls.about": (
        "Dataset {dataset} (fingerprint {fingerprint}), generated {finished} by kpi-workbench "
        "{version}, specification {hash}.",
        "数据集 {dataset}（指纹 {fingerprint}），由 kpi-workbench {version} 于 {finished} 生成，规格 {hash}。",
        "數據集 {dataset}（指紋 {fingerprint}），由 kpi-workbench {version} 於 {finished} 生成，規格 {hash}。",
    ),
}
