// Messages of status procedures and county settings: zh-CN first, English too. Parameters that
// name code values come in two forms ({xZh} and {xEn}) so each language reads naturally; none
// carries personal data.
export const procedureMessages = {
  'procedure.findingRequired': {
    'zh-CN': '来源为“部门预警”时须指明引发它的比对疑点',
    en: 'A 部门预警 (department alert) procedure names the cross-check finding that raised it',
  },
  'procedure.findingOnlyForAlert': { 'zh-CN': '只有来源为“部门预警”的程序才关联比对疑点', en: 'Only a 部门预警 (department alert) procedure names a finding' },
  'procedure.findingNotOfHousehold': { 'zh-CN': '该比对疑点不存在或不属于本户', en: 'That finding does not exist or is not about this household' },
  'procedure.notFound': { 'zh-CN': '找不到业务流程 {id}', en: 'No procedure {id}' },
  'procedure.idTaken': { 'zh-CN': '流程编号 {id} 已被另一流程使用', en: 'Procedure id {id} is already used by another procedure' },
  'procedure.householdNotFound': { 'zh-CN': '找不到户 {id}', en: 'No household {id}' },
  'procedure.illegalTransition': {
    'zh-CN': '该户当前状态为“{stateZh}”，不能发起“{typeZh}”（只能从{fromZh}发起）',
    en: 'The household is “{stateEn}”; {typeEn} ({typeZh}) can start only from: {fromEn}',
  },
  'procedure.openExists': {
    'zh-CN': '该户已有未办结的“{typeZh}”流程，请先办结或撤回',
    en: 'This household already has an open {typeEn} ({typeZh}) procedure; finish or withdraw it first',
  },
  'procedure.categoryNotAllowed': {
    'zh-CN': '当前状态为“{stateZh}”的户不能认定为“{categoryZh}”（可选：{allowedZh}）',
    en: 'A household that is “{stateEn}” cannot be designated “{categoryEn}” (allowed: {allowedEn})',
  },
  'procedure.guardFailed': {
    'zh-CN': '不能{typeZh}：{problemsZh}',
    en: 'Cannot complete {typeEn} ({typeZh}): {problemsEn}',
  },
  'procedure.monitoringTooShort': {
    'zh-CN': '不能风险消除：该户 {since} 纳入监测，未满 {months} 个月（{earliest} 起方可标注风险消除）',
    en: 'Cannot complete risk elimination (风险消除): the household has been monitored since {since}, less than {months} months; risk can be marked eliminated from {earliest}',
  },
  'procedure.membersRemain': {
    'zh-CN': '自然减少要求全户成员均已死亡或迁出，仍有 {count} 名成员在户',
    en: 'Natural decrease needs every member deceased or moved out; {count} member(s) remain',
  },
  'procedure.reasonMismatch': {
    'zh-CN': '减少原因“{reason}”与成员状态不符',
    en: 'The reason “{reason}” does not match the members’ statuses',
  },
  'procedure.memberNotInHousehold': { 'zh-CN': '成员 {id} 不属于该户', en: 'Member {id} does not belong to this household' },
  'procedure.closed': {
    'zh-CN': '该流程已{statusZh}，不能再办理',
    en: 'This procedure is already {statusEn} and cannot be acted on',
  },
  'procedure.versionConflict': {
    'zh-CN': '该流程已被他人办理（当前版本 {current}），请刷新后再办',
    en: 'This procedure was acted on by someone else (current version {current}); reload and try again',
  },
  'procedure.wrongRole': {
    'zh-CN': '“{stageZh}”环节须由{roleZh}办理',
    en: 'The {stageEn} ({stageZh}) step must be done by {roleEn}',
  },
  'procedure.cannotStart': {
    'zh-CN': '只有村干部、乡镇干部或县扶贫办可以发起业务流程',
    en: 'Only village cadres, township officers or the county office can start a procedure',
  },
  'procedure.cannotWithdraw': {
    'zh-CN': '只有发起人、乡镇干部或县扶贫办可以撤回流程',
    en: 'Only the initiator, a township officer or the county office can withdraw a procedure',
  },
  'procedure.actionNotInStage': {
    'zh-CN': '“{stageZh}”环节不能{actionZh}',
    en: 'The {stageEn} ({stageZh}) step does not take “{action}”',
  },
  'procedure.publicityRunning': {
    'zh-CN': '村内公示须满 {days} 天，{endsAt} 后才能结束公示',
    en: 'The village notice runs {days} full days; it can be closed after {endsAt}',
  },
  'procedure.objectionsOpen': {
    'zh-CN': '公示期间有 {count} 条异议尚未答复，答复后才能结束公示',
    en: '{count} objection(s) raised during the notice are not answered yet; answer them first',
  },
  'procedure.objectionNotFound': { 'zh-CN': '找不到该异议', en: 'No such objection' },
  'procedure.objectionAnswered': { 'zh-CN': '该异议已答复', en: 'This objection is already answered' },
  'procedure.stateChanged': {
    'zh-CN': '发起后该户状态已变为“{stateZh}”，本流程不能再审定',
    en: 'The household’s state changed to “{stateEn}” since the procedure started; it cannot be approved',
  },
  'countySettings.notFound': {
    'zh-CN': '县 {county} 尚未设置 {year} 年度的贫困线和监测线',
    en: 'County {county} has no poverty and monitoring lines for {year}',
  },
  'countySettings.exists': {
    'zh-CN': '县 {county} {year} 年度的设置已存在（当前版本 {current}），修改时请带上版本号',
    en: 'Settings for county {county}, {year} exist (current version {current}); send the version to change them',
  },
  'countySettings.versionConflict': {
    'zh-CN': '该年度设置已被他人修改（当前版本 {current}），请刷新后再改',
    en: 'These settings were changed by someone else (current version {current}); reload and edit again',
  },
  'countySettings.countyOfficialOnly': {
    'zh-CN': '只有本县扶贫办可以修改县级年度设置',
    en: 'Only the county poverty office of this county can change its yearly settings',
  },
  'countySettings.monitoringBelowPoverty': {
    'zh-CN': '监测线不能低于贫困线',
    en: 'The monitoring line cannot be below the poverty line',
  },
  'countySettings.badCounty': { 'zh-CN': '县级区划代码应为 6 位数字', en: 'A county code has 6 digits' },
} as const;
