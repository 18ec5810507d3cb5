// Messages of the public pages (no login): zh-CN first, English too. A code typed into the
// address is quoted back only in these messages (escaped on the HTML page).
export const publicMessages = {
  'public.badVillageCode': {
    'zh-CN': '“{code}”不是村（社区）代码：村代码是 12 位数字，例如 522324101209',
    en: '"{code}" is not a village code: a village code has 12 digits, such as 522324101209',
  },
} as const;
