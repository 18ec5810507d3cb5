// Messages of oversight (comments and alerts on projects and funds): zh-CN first, English too.
export const oversightMessages = {
  'oversight.projectNotFound': { 'zh-CN': '找不到项目 {id}', en: 'No project {id}' },
  'oversight.entryNotFound': { 'zh-CN': '找不到资金记录 {id}', en: 'No ledger entry {id}' },
  'oversight.entryOfOtherProject': { 'zh-CN': '该资金记录不属于此项目', en: 'That ledger entry belongs to another project' },
  'oversight.alertNotFound': { 'zh-CN': '找不到预警 {id}', en: 'No alert {id}' },
  'oversight.subjectOne': { 'zh-CN': '请指明一个项目或一条资金记录', en: 'Name one project or one ledger entry' },
  'oversight.notOpen': { 'zh-CN': '该预警已{status}，不能再答复', en: 'The alert is {status}: it cannot be answered again' },
  'oversight.alreadyClosed': { 'zh-CN': '该预警已关闭', en: 'The alert is already closed' },
  'oversight.roleCannotRead': { 'zh-CN': '您的角色不能查看监督预警', en: 'Your role cannot read oversight alerts' },
  'oversight.roleCannotComment': { 'zh-CN': '您的角色不能发表监督意见', en: 'Your role cannot comment on projects' },
  'oversight.roleCannotReadComments': { 'zh-CN': '您的角色不能查看监督意见', en: 'Your role cannot read the comments on projects' },
  'oversight.roleCannotAlert': { 'zh-CN': '只有纪检监察人员可以发起或关闭预警', en: 'Only a discipline inspector raises or closes alerts' },
  'oversight.roleCannotAnswer': { 'zh-CN': '只有责任单位（县扶贫办、乡镇）可以答复预警', en: 'Only the responsible office (county, township) answers alerts' },
  'oversight.roleCannotRun': {
    'zh-CN': '只有县扶贫办和纪检监察人员可以运行预警规则',
    en: 'Only the county office and the discipline inspector run the oversight rules',
  },
  'oversight.countyRequired': { 'zh-CN': '请指明要运行预警规则的县（6 位区划代码）', en: 'Name the county to run the rules for (6-digit code)' },
  'oversight.countyInvalid': { 'zh-CN': '县级区划代码应为 6 位数字', en: 'A county code has 6 digits' },
  'oversight.dateInvalid': { 'zh-CN': '日期格式应为 YYYY-MM-DD', en: 'A date is YYYY-MM-DD' },
  'oversight.ruleUnknown': { 'zh-CN': '没有这条规则', en: 'No such rule' },
  'oversight.thresholdInvalid': { 'zh-CN': '阈值应为正整数（百分比小于 100）', en: 'A threshold is a positive whole number (a percentage below 100)' },
} as const;
