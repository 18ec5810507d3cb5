// Messages of the cross-check engine (registered in api/http/messages.ts).
export const crosscheckMessages = {
  'finding.notFound': { 'zh-CN': '找不到比对疑点 {id}', en: 'No cross-check finding {id}' },
  'finding.healthWithheld': {
    'zh-CN': '比对依据涉及健康信息，您的角色不能查看',
    en: 'The evidence concerns health details, which your role may not see',
  },
  'finding.versionConflict': {
    'zh-CN': '该疑点已被他人处理（当前版本 {current}），请刷新后再操作',
    en: 'This finding was changed by someone else (current version {current}); reload and try again',
  },
  'finding.badTransition': {
    'zh-CN': '疑点当前状态为“{from}”，不能执行“{action}”',
    en: 'A finding that is “{from}” cannot be “{action}”',
  },
  'finding.reasonRequired': { 'zh-CN': '请填写理由', en: 'Give a reason' },
  'finding.notPresent': {
    'zh-CN': '该疑点在最近一次比对中已不再出现，不能确认',
    en: 'This finding no longer appears in the latest run and cannot be confirmed',
  },
  'finding.noHousehold': { 'zh-CN': '该疑点没有对应的农户档案', en: 'This finding has no household card' },
  'finding.memberGone': { 'zh-CN': '该疑点对应的家庭成员已不在档案中', en: 'The member this finding names is no longer on the card' },
  'crosscheck.roleCannotRun': {
    'zh-CN': '只有县扶贫办或系统管理员可以导入部门数据和运行比对',
    en: 'Only the county office or an administrator can import department data and run the cross-check',
  },
  'findings.exportTooMany': {
    'zh-CN': '比对疑点导出 {count} 条，超过上限 {max} 条，请缩小筛选范围（规则、性质、状态或区域）',
    en: 'The findings export would hold {count} rows, more than {max}; narrow the filter (rule, severity, status or area)',
  },
  'crosscheck.countyRequired': { 'zh-CN': '请指定县级区划代码', en: 'Say which county (6-digit code)' },
  'dataset.jobNotFound': { 'zh-CN': '找不到导入任务 {id}', en: 'No import job {id}' },
  'dataset.fileRequired': { 'zh-CN': '请选择要上传的文件', en: 'Choose a file to upload' },
  'dataset.fileTooLarge': { 'zh-CN': '文件超过 {limit}', en: 'The file is larger than {limit}' },
} as const;
