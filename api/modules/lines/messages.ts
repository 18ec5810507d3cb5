// Messages of the line simulation (标准线测算): zh-CN first, English too.
export const linesMessages = {
  'lines.areaWithinCounty': {
    'zh-CN': '请选择一个县或县内的乡镇、村（贫困线和监测线按县设置）',
    en: 'Choose a county or an area within one (the lines are set per county)',
  },
  'lines.noLines': { 'zh-CN': '县 {county} 尚未设置 {year} 年度的贫困线和监测线', en: 'County {county} has no poverty and monitoring lines for {year}' },
  'lines.monitoringBelowPoverty': { 'zh-CN': '监测线不能低于贫困线', en: 'The monitoring line cannot be below the poverty line' },
} as const;
