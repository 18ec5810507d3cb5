// The village's public page as server-rendered HTML in zh-CN: readable on a phone, printable for
// the village notice board (A4, the print stylesheet drops what only a screen needs). Every piece
// of text is escaped; the page runs no script and its styles come from one static stylesheet
// (/public/village.css), so the Content-Security-Policy stays as it is.
import { fenToYuan } from '../../shared/money.ts';
import type { PublicFigures, PublicVillage } from './public.ts';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML: & < > " ' escaped (attribute values too). */
export const esc = (v: unknown): string => String(v ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c] as string);

/** 1234567 fen → '12,345.67'. */
export function yuan(fen: number): string {
  const [whole = '0', frac = '00'] = fenToYuan(fen).split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}

/** 0.4998 → '49.98%'; none allocated → '—'. */
export const percent = (p: number | null) => (p === null ? '—' : `${(Math.round(p * 10_000) / 100).toFixed(2)}%`);

/** A China-time moment for the page's footer. */
const chinaTime = (iso: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso));

export const STYLESHEET_PATH = '/public/village.css';

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(title)}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
${body}
</body>
</html>
`;
}

function figuresRow(label: string, f: PublicFigures): string {
  return `<tr><th scope="row">${esc(label)}</th><td class="num">${yuan(f.allocatedFen)}</td><td class="num">${yuan(f.disbursedFen)}</td><td class="num">${yuan(f.spentFen)}</td><td class="num">${esc(percent(f.progress))}</td></tr>`;
}

function periodText(v: PublicVillage): string {
  const { from, to } = v.period;
  if (from.endsWith('-01-01') && to === `${from.slice(0, 4)}-12-31`) return `${from.slice(0, 4)} 年`;
  return from <= '2000-01-01' ? `截至 ${to}` : `${from} 至 ${to}`;
}

/** The village's page. */
export function renderVillagePage(v: PublicVillage): string {
  const title = `${v.village.name}扶贫项目资金公示`;
  const projects = v.projects.length
    ? v.projects
        .map(
          (p) => `<article class="project">
<h3>${esc(p.name)}${p.shared ? ' <span class="tag">跨村项目</span>' : ''}</h3>
<dl class="facts">
<div><dt>项目类型</dt><dd>${esc(p.category && p.category !== p.type ? `${p.category} · ${p.type}` : p.type)}</dd></div>
<div><dt>计划年度</dt><dd>${esc(p.planYear)}</dd></div>
<div><dt>项目状态</dt><dd>${esc(p.state)}</dd></div>
<div><dt>下达资金</dt><dd class="num">${yuan(p.allocatedFen)} 元</dd></div>
<div><dt>已拨付</dt><dd class="num">${yuan(p.disbursedFen)} 元</dd></div>
<div><dt>已支出</dt><dd class="num">${yuan(p.spentFen)} 元</dd></div>
<div><dt>资金支出进度</dt><dd class="num">${esc(percent(p.progress))}</dd></div>
<div><dt>受益户</dt><dd>${esc(p.beneficiaryCount)} 户${p.shared ? '（全项目）' : ''}</dd></div>
</dl>
${p.shared ? '<p class="note">本项目覆盖多个村，金额为项目总额。</p>' : ''}
${
  p.beneficiaries.length
    ? `<table class="people"><caption>本村受益户</caption><thead><tr><th scope="col">户主</th><th scope="col">联农带农方式</th><th scope="col" class="num">到户资金（元）</th></tr></thead><tbody>
${p.beneficiaries.map((b) => `<tr><td>${esc(b.name)}</td><td>${esc(b.mechanisms.join('、'))}</td><td class="num">${yuan(b.paidFen)}</td></tr>`).join('\n')}
</tbody></table>`
    : ''
}
</article>`,
        )
        .join('\n')
    : '<p class="empty">暂无已入库或已有资金记录的项目。</p>';
  const notices = v.notices.length
    ? `<table><thead><tr><th scope="col">项目</th><th scope="col">公示开始</th><th scope="col">公示结束</th></tr></thead><tbody>
${v.notices.map((n) => `<tr><td>${esc(n.projectName)}</td><td>${esc(n.startsOn)}</td><td>${esc(n.endsOn)}</td></tr>`).join('\n')}
</tbody></table>`
    : '<p class="empty">暂无项目公告。</p>';
  return page(
    title,
    `<header>
<p class="area">${esc(v.village.fullName)}</p>
<h1>${esc(title)}</h1>
<p class="period">统计期间：${esc(periodText(v))}（按记账日期）</p>
</header>
<main>
<section>
<h2>资金总览</h2>
<div class="scroll"><table class="totals"><thead><tr><th scope="col"></th><th scope="col" class="num">下达（元）</th><th scope="col" class="num">拨付（元）</th><th scope="col" class="num">支出（元）</th><th scope="col" class="num">资金支出进度</th></tr></thead>
<tbody>${figuresRow('合计', v.totals)}</tbody></table></div>
<p>本村农户获得到户资金 <strong class="num">${yuan(v.households.paidFen)}</strong> 元，共 <strong>${esc(v.households.households)}</strong> 户。</p>
</section>
<section>
<h2>项目（${esc(v.projects.length)} 个）</h2>
${projects}
</section>
<section>
<h2>公告公示</h2>
<p class="note">项目经县级审定入库后公告公示不少于 10 天，有异议请向村务监督委员会或乡镇反映。</p>
<div class="scroll">${notices}</div>
</section>
</main>
<footer>
<p>户主姓名已部分隐藏；本页不含身份证号、电话、银行账号等个人信息。</p>
<p>生成时间：${esc(chinaTime(v.generatedAt))}（北京时间）</p>
</footer>`,
  );
}

/** A refusal as a page (unknown or malformed village code, too many requests). */
export function renderMessagePage(title: string, message: string): string {
  return page(title, `<main class="message"><h1>${esc(title)}</h1><p>${esc(message)}</p></main>`);
}

/** The page's one stylesheet: screen first (a phone's width up), then A4 print for the notice board. */
export const VILLAGE_CSS = `*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0 auto;max-width:960px;padding:12px 14px 32px;font:16px/1.6 "PingFang SC","Noto Sans SC","Microsoft YaHei","Source Han Sans SC",sans-serif;color:#1f2328;background:#fff}
header{border-bottom:3px solid #b4232a;margin-bottom:12px}
h1{font-size:1.45rem;margin:.2em 0;color:#b4232a;line-height:1.3}
h2{font-size:1.2rem;margin:1.4em 0 .5em;padding-left:.5em;border-left:4px solid #b4232a}
h3{font-size:1.05rem;margin:0 0 .4em}
.area,.period,.note,footer{color:#57606a;font-size:.9rem;margin:.2em 0}
.tag{font-size:.75rem;font-weight:normal;color:#b4232a;border:1px solid #b4232a;border-radius:3px;padding:0 4px;vertical-align:middle}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.5em 0;font-size:.95rem}
caption{text-align:left;font-weight:bold;padding:.3em 0}
th,td{border:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top}
thead th{background:#f6f8fa}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.project{border:1px solid #d0d7de;border-radius:6px;padding:10px 12px;margin:10px 0;page-break-inside:avoid;break-inside:avoid}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:4px 16px;margin:0}
.facts div{display:flex;justify-content:space-between;gap:8px;border-bottom:1px dotted #d0d7de}
.facts dt{color:#57606a}
.facts dd{margin:0}
.empty{color:#57606a}
.message{padding:24px 0}
footer{margin-top:24px;border-top:1px solid #d0d7de;padding-top:8px}
@media (max-width:480px){body{font-size:15px;padding:10px}h1{font-size:1.25rem}.facts{grid-template-columns:1fr}th,td{padding:5px 6px}}
@media print{
@page{size:A4;margin:15mm 12mm}
body{max-width:none;padding:0;font-size:11pt;color:#000}
h1{color:#000}
h2{border-left-color:#000;page-break-after:avoid;break-after:avoid}
header{border-bottom-color:#000}
.tag{color:#000;border-color:#000}
.scroll{overflow:visible}
thead{display:table-header-group}
tr{page-break-inside:avoid;break-inside:avoid}
.project{border-color:#000}
th,td{border-color:#000}
thead th{background:none}
a{color:#000;text-decoration:none}
}
`;
