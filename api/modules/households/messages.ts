// Messages of the household card (一户一卡): zh-CN first, English too. Keys only; parameters
// never carry personal data except the other household's 户编号 and village (policy: the refusal
// must name the household a person already belongs to).
export const householdMessages = {
  'household.statusByProcedure': {
    'zh-CN':
      '户状态、在册状态、监测对象类别、风险类型、识别年度和脱贫年度只能通过业务流程（识别纳入、监测对象认定、标注脱贫、风险消除、再次纳入、自然减少、清退等）变更',
    en: 'Status, registry state, monitoring category, risk types, identification year and exit year change only through procedures (识别纳入, 监测对象认定, 标注脱贫, 风险消除, 再次纳入, 自然减少, 清退 …)',
  },
  'card.unreadableWrite': {
    'zh-CN': '您的角色看不到{fieldsZh}，因此不能修改它：请不要提交这些字段',
    en: 'Your role cannot see the {fieldsEn}, so it cannot change it: leave these fields out',
  },
  'field.notReadable': { 'zh-CN': '无权查看，不能修改', en: 'Not visible to your role: cannot be changed' },
  'household.headNameByMember': {
    'zh-CN': '户主姓名随户主成员变更，请修改家庭成员',
    en: 'The head’s name follows the 户主 member; edit the member instead',
  },
  'record.versionConflict': {
    'zh-CN': '该记录已被他人修改（当前版本 {current}），请刷新后再改',
    en: 'This record was changed by someone else (current version {current}); reload and edit again',
  },
  'record.notFound': { 'zh-CN': '找不到该记录', en: 'No such record' },
  'household.numberTaken': {
    'zh-CN': '户编号 {householdNo} 在本县已被使用',
    en: 'Household number {householdNo} is already used in this county',
  },
  'household.notVillage': { 'zh-CN': '{code} 不是一个村（应为 12 位村级区划代码）', en: '{code} is not a village (a 12-digit village code is needed)' },
  'record.idTaken': { 'zh-CN': '记录编号 {id} 已被使用', en: 'Record id {id} is already in use' },
  'member.notFound': { 'zh-CN': '该户没有这个成员', en: 'This household has no such member' },
  'member.headExists': {
    'zh-CN': '该户已有户主；更换户主时请同时指定原户主的新关系（previousHeadRelation）',
    en: 'The household already has a 户主; to change the head, give the previous head’s new relation (previousHeadRelation)',
  },
  'member.headRequired': {
    'zh-CN': '每户必须有且只有一个户主：请先把另一名成员设为户主',
    en: 'A household has exactly one 户主: make another member the head first',
  },
  'member.previousHeadRelation': { 'zh-CN': '原户主的新关系不能是“户主”', en: 'The previous head’s new relation cannot be 户主' },
  'member.sexMismatch': {
    'zh-CN': '性别与身份证号码不符（号码显示为{sex}）',
    en: 'Sex contradicts the ID number (the number says {sex})',
  },
  'member.inOtherHousehold': {
    'zh-CN': '此人已是户 {householdNo}（{village}）的成员，一人只能属于一户',
    en: 'This person already belongs to household {householdNo} ({village}); a person belongs to one household only',
  },
  'member.inHouseholdOutsideArea': {
    'zh-CN': '此人已登记在您管辖范围以外的另一户中，一人只能属于一户；如需核实或办理迁移，请联系县扶贫办',
    en: 'This person is registered in another household outside your area; a person belongs to one household only — to check or move them, ask the county poverty alleviation office (县扶贫办)',
  },
  'member.inThisHousehold': { 'zh-CN': '此人已是本户成员', en: 'This person is already a member of this household' },
  'member.duplicatePerson': {
    'zh-CN': '此人已在另一户中，一人只能属于一户',
    en: 'This person already belongs to another household; a person belongs to one household only',
  },
  'member.notInHousehold': { 'zh-CN': '该成员不属于本户', en: 'That member does not belong to this household' },
  'member.statusDateRequired': { 'zh-CN': '人员状态为{status}时须填写日期', en: 'A date is required for person status {status}' },
  'field.dateOrder': { 'zh-CN': '结束日期不能早于开始日期', en: 'The end date cannot be before the start date' },
  'field.notFuture': { 'zh-CN': '不能晚于今天', en: 'Cannot be in the future' },
  'field.date': { 'zh-CN': '日期格式应为 YYYY-MM-DD', en: 'A date is written YYYY-MM-DD' },
  'measure.subtype': { 'zh-CN': '帮扶类型“{category}”的子类应为：{values}', en: 'Subtypes of {category}: {values}' },
  'measure.noSubtype': { 'zh-CN': '帮扶类型“{category}”没有子类', en: '{category} takes no subtype' },
  'year.versionRequired': {
    'zh-CN': '{year} 年度数据已存在（版本 {current}），修改时须带上版本号',
    en: 'Figures for {year} exist (version {current}); send the version to change them',
  },
  'year.dangerousGrade': { 'zh-CN': '危房须填写危房等级', en: 'A dangerous house needs its grade' },
  'reveal.notAllowed': { 'zh-CN': '您的角色不能查看完整的个人敏感信息', en: 'Your role cannot see full personal data' },
  'reveal.memberRequired': { 'zh-CN': '查看身份证号码须指定成员', en: 'Revealing an ID number needs a member' },
  'reveal.bankIsHousehold': { 'zh-CN': '银行账号属于户，不属于成员', en: 'The bank account belongs to the household, not a member' },
  'history.entryNotFound': { 'zh-CN': '本户的变更历史中没有记录 {id}', en: 'No entry {id} in this household’s history' },
  'history.noSuchKey': { 'zh-CN': '该记录没有这一项变更', en: 'That entry has no such change' },
  'history.notPersonal': {
    'zh-CN': '只有证件号码、联系电话和银行账号需要“显示”，其他内容已直接显示',
    en: 'Only ID numbers, phones and bank accounts need revealing; everything else is shown as it is',
  },
  'photo.fileRequired': { 'zh-CN': '请上传照片文件（file）', en: 'Upload the photo as the "file" part' },
  'photo.type': { 'zh-CN': '照片须为 JPEG、PNG 或 WebP', en: 'A photo must be JPEG, PNG or WebP' },
  'photo.tooLarge': { 'zh-CN': '照片不能超过 {limit}', en: 'A photo cannot exceed {limit}' },
  'photo.notAllowed': { 'zh-CN': '您的角色不能查看人员照片', en: 'Your role cannot see photos of people' },
  'workTeam.notFound': { 'zh-CN': '找不到该驻村工作队', en: 'No such village work team' },
  'workTeam.notVillage': { 'zh-CN': '驻村工作队须属于一个村（12 位区划代码）', en: 'A work team belongs to a village (12-digit code)' },
} as const;
