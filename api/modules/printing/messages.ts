// Messages of printing and export (zh-CN first, English too). Keys only; never personal data.
export const printMessages = {
  'print.revealNotAllowed': {
    'zh-CN': '您的角色不能导出未隐藏的证件号码、电话或银行账号',
    en: 'Your role cannot export unmasked ID numbers, phones or bank accounts',
  },
  'print.notVillage': {
    'zh-CN': '区划 {code} 不是村（社区），明白卡按村批量打印',
    en: 'Area {code} is not a village; 明白卡 batches are printed per village',
  },
  'print.noPublicity': {
    'zh-CN': '{village}当前没有处于村内公示阶段的流程',
    en: 'No procedure of {village} is in its village notice (村内公示) now',
  },
  'print.notCountyOrTownship': {
    'zh-CN': '区划 {code} 不是县或乡（镇），公告按县或乡（镇）打印',
    en: 'Area {code} is not a county or township; announcements are printed per county or township',
  },
  'print.badPeriod': {
    'zh-CN': '公告期间 {from} 至 {to} 无效：结束日期不能早于开始日期，且不超过 {max} 天',
    en: 'The period {from} to {to} is not valid: it must not end before it starts, nor span more than {max} days',
  },
  'print.noAnnouncement': {
    'zh-CN': '{area}在 {from} 至 {to} 期间没有经县级审定的流程',
    en: '{area} has no procedure approved by the county between {from} and {to}',
  },
  'print.tooMany': {
    'zh-CN': '导出行数 {count} 超过上限 {max}，请缩小筛选范围',
    en: 'The export would hold {count} rows, more than {max}; narrow the filter',
  },
} as const;
