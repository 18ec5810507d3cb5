// Messages of the project library and its approval chain: zh-CN first, English too. Parameters
// that name code values come in two forms ({xZh} and {xEn}); none carries personal data.
export const projectMessages = {
  'project.notFound': { 'zh-CN': '找不到项目 {id}', en: 'No project {id}' },
  'project.householdNotFound': { 'zh-CN': '找不到户 {id}', en: 'No household {id}' },
  'project.cannotCreate': { 'zh-CN': '您的角色不能申报或修改项目', en: 'Your role cannot draft or revise projects' },
  'project.villagesRepeated': { 'zh-CN': '同一个村只能列一次', en: 'A village is listed more than once' },
  'project.notAVillage': { 'zh-CN': '{code} 不是一个村（社区）', en: '{code} is not a village' },
  'project.villagesOneCounty': { 'zh-CN': '项目覆盖的村须在同一个县（{county}）', en: 'A project’s villages lie in one county ({county})' },
  'project.sourceRepeated': { 'zh-CN': '每个资金来源只能有一条预算', en: 'One budget line per fund source' },
  'project.beneficiaryRepeated': { 'zh-CN': '同一户的同一种带农方式只能列一次', en: 'A household is listed twice with the same mechanism' },
  'project.datesOrder': { 'zh-CN': '计划完工日期不能早于计划开工日期', en: 'The planned end cannot be before the planned start' },
  'project.ringNotClosed': { 'zh-CN': '多边形的边界须首尾闭合', en: 'A polygon ring must end where it starts' },
  'project.geometryUnreadable': { 'zh-CN': '无法读取项目位置（GeoJSON）', en: 'The project’s location (GeoJSON) cannot be read' },
  'project.geometryInvalid': { 'zh-CN': '项目位置不是有效的几何图形：{reason}', en: 'The project’s location is not a valid geometry: {reason}' },
  'project.geometryOutside': {
    'zh-CN': '项目位置超出了所覆盖村的范围（容差 {tolerance} 米）',
    en: 'The project’s location lies outside its villages (tolerance {tolerance} m)',
  },
  'project.notRegistryHousehold': {
    'zh-CN': '受益户须是本项目所覆盖村的在册户',
    en: 'A beneficiary must be a registered household of the project’s villages',
  },
  'project.assetHouseholdRequired': { 'zh-CN': '到户类资产须指明所属农户', en: 'A household asset (到户类) names its household' },
  'project.assetHouseholdOnlyForHousehold': { 'zh-CN': '只有到户类资产才指明农户', en: 'Only a household asset (到户类) names a household' },
  'project.notDraft': {
    'zh-CN': '项目处于“{stateZh}”，只有村申报阶段才能修改',
    en: 'The project is at {stateEn} ({stateZh}); it can be revised only at the village application (村申报)',
  },
  'project.countyChange': { 'zh-CN': '项目不能改到另一个县（{county}）', en: 'A project cannot move to another county ({county})' },
  'project.versionConflict': {
    'zh-CN': '该项目已被他人修改（当前版本 {current}），请刷新后再操作',
    en: 'This project was changed by someone else (current version {current}); reload and try again',
  },
  'project.illegalStep': {
    'zh-CN': '项目处于“{stateZh}”，不能“{actionZh}”（可以：{allowedZh}）',
    en: 'The project is at {stateEn} ({stateZh}); “{action}” is not possible there (possible: {allowed})',
  },
  'project.wrongRole': {
    'zh-CN': '“{stateZh}”阶段的“{actionZh}”须由{rolesZh}办理',
    en: '“{action}” at {stateEn} ({stateZh}) is done by: {rolesEn}',
  },
  'project.objectionRequired': { 'zh-CN': '请指明答复的是哪条异议', en: 'Name the objection you answer' },
  'project.objectionNotFound': { 'zh-CN': '本项目没有这条异议', en: 'This project has no such objection' },
  'project.objectionAnswered': { 'zh-CN': '这条异议已经答复过了', en: 'This objection has been answered already' },
  'project.noticeRunning': {
    'zh-CN': '公告公示须满 {days} 天，{endsAt} 之后才能进入实施',
    en: 'The public notice runs {days} full days: implementation may start after {endsAt}',
  },
  'project.objectionsOpen': {
    'zh-CN': '还有 {count} 条异议未答复，答复后才能结束公示',
    en: '{count} objection(s) are not answered yet; answer them before closing the notice',
  },
  'project.noAssets': {
    'zh-CN': '资产移交须至少登记一项资产（类型、价值、所有权人、管护主体）',
    en: 'The handover needs at least one registered asset (kind, value, owner, manager)',
  },
  'project.assetsOnlyAtHandover': { 'zh-CN': '资产只能在资产移交阶段登记', en: 'Assets are registered at the asset handover (资产移交)' },
  'project.contractorOnlyInImplementation': { 'zh-CN': '承建单位在实施阶段填写', en: 'The contractor is recorded during implementation (实施)' },
  'media.cannotAdd': {
    'zh-CN': '项目处于“{stateZh}”，您的角色此时不能添加或移除附件和照片',
    en: 'The project is at {stateEn} ({stateZh}); your role cannot add or remove attachments and photos now',
  },
  'media.type': { 'zh-CN': '文件类型不对：只接受 {types}（按文件内容判断）', en: 'Wrong file type: only {types} (judged by the file’s content)' },
  'media.takenInFuture': { 'zh-CN': '拍摄时间不能晚于现在', en: 'The time taken cannot be in the future' },
  'media.notFound': { 'zh-CN': '找不到附件或照片 {id}', en: 'No attachment or photo {id}' },
  'media.tooLarge': { 'zh-CN': '文件超过 {limit}', en: 'The file is over {limit}' },
  'media.fileRequired': { 'zh-CN': '请选择文件', en: 'Choose a file' },
} as const;
