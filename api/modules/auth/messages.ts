// Messages of login throttling, the forced password change and account management: zh-CN first,
// English too. None carries a password or personal data.
export const authMessages = {
  'auth.passwordThrottled': {
    'zh-CN': '当前密码输错次数过多，请 {seconds} 秒后再试',
    en: 'Too many wrong current passwords; try again in {seconds} s',
  },
  'auth.mustChangePassword': {
    'zh-CN': '请先修改初始密码（一次性密码），修改后才能使用系统',
    en: 'Change your one-time password first; until then nothing else is available',
  },
  'account.missing': { 'zh-CN': '找不到该账号', en: 'No such account' },
  'account.notManageable': {
    'zh-CN': '您无权管理账号 {username}：县扶贫办只管理本县的乡镇干部、村干部和村监委账号',
    en: 'You may not manage account {username}: a county office manages only township, village and village-supervisor accounts of its county',
  },
  'account.roleNotAllowed': {
    'zh-CN': '您不能创建或管理“{roleZh}”账号',
    en: 'You may not create or manage {roleEn} accounts',
  },
  'account.areaNotAllowed': {
    'zh-CN': '区划 {code} 不在您的管辖范围内',
    en: 'Area {code} is outside your area of responsibility',
  },
  'account.areaLevel': {
    'zh-CN': '“{roleZh}”账号的区划应为{levelZh}',
    en: 'A {roleEn} account belongs to a {levelEn}',
  },
  'account.self': {
    'zh-CN': '不能对自己的账号执行此操作（修改自己的密码请用“修改密码”）',
    en: 'You cannot do this to your own account (use Change password for your own password)',
  },
  'account.badUsername': {
    'zh-CN': '用户名为 3–64 位英文字母、数字、下划线、点或连字符',
    en: 'A username has 3–64 letters, digits, underscores, dots or hyphens',
  },
  'account.demoPassword': {
    'zh-CN': '不能使用公开的演示密码',
    en: 'The published demo password cannot be used',
  },
} as const;
