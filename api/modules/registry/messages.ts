// Messages of the registry importer: file-level and row-level reasons (they name the row and
// column in the error report) and the API's own errors. zh-CN first, English too. Parameters
// carry codes, row numbers, column names and code-list values — never an ID number or a phone.
export const registryMessages = {
  // File level
  'registry.empty': { 'zh-CN': '文件为空或没有数据行', en: 'The file is empty or has no data rows' },
  'registry.unreadable': {
    'zh-CN': '无法读取文件（应为 CSV 或 XLSX）：{detail}',
    en: 'The file cannot be read (expected CSV or XLSX): {detail}',
  },
  'registry.noKnownColumns': {
    'zh-CN': '无法识别表头：不是贫困人口明细表，或文件编码有误（应为 UTF-8 或 GBK）',
    en: 'No known column in the header: not a registry export, or the wrong text encoding (expected UTF-8 or GBK)',
  },
  'registry.missingColumns': { 'zh-CN': '缺少必需的列：{columns}', en: 'Required column(s) missing: {columns}' },
  'registry.duplicateColumns': { 'zh-CN': '列重复：{columns}', en: 'Column(s) given twice: {columns}' },
  'registry.ignoredColumns': { 'zh-CN': '已忽略无法识别的列：{columns}', en: 'Unknown column(s) ignored: {columns}' },
  // Row level
  'registry.required': { 'zh-CN': '必填', en: 'Required' },
  'registry.oneOf': { 'zh-CN': '“{value}”不是有效值，应为：{values}', en: '"{value}" is not allowed; use one of: {values}' },
  'registry.householdNo': {
    'zh-CN': '户编号应为数字或字母，不含空格（Excel 科学计数法会丢失位数）',
    en: 'A 户编号 has digits or letters and no spaces (Excel scientific notation loses digits)',
  },
  'registry.villageCode': { 'zh-CN': '区划代码应为 12 位村级统计用区划代码', en: 'The area code must be a 12-digit village code' },
  'registry.villageUnknown': { 'zh-CN': '找不到村级区划 {code}', en: 'No village with code {code}' },
  'registry.outOfScope': { 'zh-CN': '区划 {code} 不在您的管辖范围内', en: 'Area {code} is outside your area of responsibility' },
  'registry.householdOutOfScope': {
    'zh-CN': '户 {household} 已登记在区划 {code}，不在您的管辖范围内',
    en: 'Household {household} is registered in area {code}, outside your area of responsibility',
  },
  'registry.idScientific': {
    'zh-CN': '证件号码被 Excel 转成了科学计数法，位数已丢失：请把该列设为文本后重新导出',
    en: 'Excel turned the ID number into scientific notation and digits were lost; export the column as text',
  },
  'registry.number': { 'zh-CN': '应为数字', en: 'Must be a number' },
  'registry.amount': { 'zh-CN': '应为金额（元），0 至 1000 万', en: 'Must be an amount in yuan, 0 to 10 million' },
  'registry.year': { 'zh-CN': '应为年份（如 2019）', en: 'Must be a year (e.g. 2019)' },
  'registry.workMonths': { 'zh-CN': '务工时间应为 0 至 12 的整数（月）', en: 'Months of work must be a whole number from 0 to 12' },
  'registry.yesNo': { 'zh-CN': '应为“是”或“否”', en: 'Must be 是 or 否' },
  'registry.deceased': { 'zh-CN': '应为“是/否”或人员状态之一：{values}', en: 'Must be 是/否 or a person status: {values}' },
  'registry.phone': { 'zh-CN': '联系电话应为 11 位手机号码或留空', en: 'The phone must be an 11-digit mobile number or empty' },
  'registry.longitude': { 'zh-CN': '经度应为 73 至 136 之间的十进制度数', en: 'Longitude must be decimal degrees between 73 and 136' },
  'registry.latitude': { 'zh-CN': '纬度应为 3 至 54 之间的十进制度数', en: 'Latitude must be decimal degrees between 3 and 54' },
  'registry.coordinatePair': { 'zh-CN': '经度和纬度应同时填写或同时留空', en: 'Give both longitude and latitude, or neither' },
  'registry.duplicateRow': {
    'zh-CN': '重复行：同一户、同一证件号码已在第 {row} 行出现',
    en: 'Duplicate row: the same person in the same household is already on row {row}',
  },
  'registry.twoHeads': { 'zh-CN': '户 {household} 有多个户主（第 {row} 行已是户主）', en: 'Household {household} has more than one 户主 (row {row} is one)' },
  'registry.noHead': { 'zh-CN': '户 {household} 没有户主', en: 'Household {household} has no 户主' },
  'registry.inconsistent': {
    'zh-CN': '同一户各行的“{column}”应一致：本行与第 {row} 行不同',
    en: '"{column}" must be the same on every row of a household: this row differs from row {row}',
  },
  'registry.personOutsideArea': {
    'zh-CN': '此人已登记在您管辖范围以外的另一户中，一人只能属于一户；如需核实或办理迁移，请联系县扶贫办',
    en: 'This person is registered in another household outside your area; a person belongs to one household — to check or move them, ask the county poverty alleviation office (县扶贫办)',
  },
  'registry.personInOtherHousehold': {
    'zh-CN': '此人已是户 {household}（区划 {code}）的成员，一人只能属于一户；请先在原户办理迁出',
    en: 'This person already belongs to household {household} (area {code}); a person belongs to one household — record the move-out there first',
  },
  // Warnings (the file is still imported)
  'registry.sexMismatch': {
    'zh-CN': '性别与证件号码不符，已按证件号码取“{sex}”',
    en: 'The sex disagrees with the ID number; {sex} (from the ID number) was kept',
  },
  'registry.personTwiceInFile': {
    'zh-CN': '此证件号码也在户 {household}（第 {row} 行）：已按国家系统数据导入，比对时将报告为重复人员',
    en: 'This ID number is also in household {household} (row {row}); imported as the national system holds it, the cross-check reports it as a duplicate person',
  },
  'registry.provisionalAdopted': {
    'zh-CN': '户编号 {household} 的户主已登记在临时户编号 {provisional} 的户中：该户改用户编号 {household} 并按本文件更新',
    en: 'The head of household {household} is registered in the card with the provisional number {provisional}: that card takes the number {household} and is updated from this file',
  },
  'registry.headNameMismatch': {
    'zh-CN': '户主姓名与户主行的姓名不同',
    en: 'The head’s name differs from the name on the 户主 row',
  },
  'registry.idUpgraded': { 'zh-CN': '15 位证件号码已升级为 18 位', en: 'The 15-digit ID number was upgraded to 18 digits' },
  // API
  'registry.importNotFound': { 'zh-CN': '找不到导入任务 {id}', en: 'No import job {id}' },
  'registry.roleCannotImport': {
    'zh-CN': '只有县扶贫办、乡镇干部和系统管理员可以导入建档立卡数据',
    en: 'Only county poverty offices, township officers and administrators can import the registry',
  },
  'registry.noFile': { 'zh-CN': '请选择要上传的文件（字段名 file）', en: 'Choose a file to upload (form field "file")' },
  'registry.interrupted': {
    'zh-CN': '导入被中断（处理它的进程意外退出），未导入任何数据，请重新导入该文件',
    en: 'The import was interrupted (its process stopped); nothing was imported — import the file again',
  },
  'registry.fileTooLarge': { 'zh-CN': '文件过大（上限 {limit}）', en: 'The file is too large (limit {limit})' },
  'registry.notFinished': { 'zh-CN': '导入尚未结束', en: 'The import has not finished yet' },
} as const;
