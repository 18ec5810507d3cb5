// The 明白卡 (household "understanding card"): one A4 page per household that the cadre hands to
// the family — who they are in the registry, why, who helps them and how to call, what they
// receive, last year's income against the lines, and the five guarantees. Data assembly (set-based,
// per batch) and page layout; no HTTP, no scope decisions beyond the queries' own filter.
import type { Db } from '../../db/schema.ts';
import type { Scope } from '../auth/scope.ts';
import type { Masker } from '../auth/personal-data.ts';
import { type Doc, fontFiles } from './pdf.ts';
import * as q from './queries.ts';

/** Rows that fit on the one page; the rest is counted, not dropped silently. */
const MAX_MEMBERS = 8;
const MAX_MEASURES = 8;
const MAX_CADRES = 2;

export const GUARANTEES = [
  ['food', '不愁吃'],
  ['clothing', '不愁穿'],
  ['education', '义务教育有保障'],
  ['medical', '基本医疗有保障'],
  ['housing', '住房安全有保障'],
  ['water', '饮水安全有保障'],
] as const;

export interface MingbaiCard {
  householdNo: string;
  area: string;
  headName: string;
  headIdNumber: string | null;
  phone: string | null;
  address: string | null;
  householdType: string;
  status: string;
  monitoringCategory: string | null;
  identifiedYear: number | null;
  exitYear: number | null;
  mainCause: string | null;
  otherCauses: string[];
  riskTypes: string[];
  flags: string[];
  memberCount: number;
  members: { name: string; relation: string; sex: string | null; idNumber: string | null; health: string | null; labor: string | null; work: string | null }[];
  year: number | null;
  /** Integer fen. */
  income: { wage: number; business: number; property: number; transfer: number; expense: number; perCapita: number; size: number } | null;
  lines: { poverty: number; monitoring: number } | null;
  guarantees: { label: string; secure: boolean | null; note: string | null }[];
  cadres: { name: string; workUnit: string | null; phone: string | null }[];
  workTeam: { name: string; firstSecretary: string | null; dispatchingUnit: string | null } | null;
  measures: {
    date: string;
    category: string;
    subtype: string | null;
    amount: number | null;
    quantity: string | null;
    unit: string | null;
    outcome: string | null;
  }[];
  measureCount: number;
}

const groupBy = <T extends { household_id: string }>(rows: T[]) => {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const list = m.get(r.household_id);
    if (list) list.push(r);
    else m.set(r.household_id, [r]);
  }
  return m;
};

/** Cards for households (already scope-checked ids, in print order), masked by `mask`. */
export async function loadCards(db: Db, scope: Scope, ids: string[], mask: Masker, today: string): Promise<MingbaiCard[]> {
  const households = await q.loadHouseholds(db, scope, ids);
  const visible = households.map((h) => h.id);
  const [members, cadres, measures] = await Promise.all([q.loadMembers(db, visible), q.loadCadres(db, visible, today), q.loadMeasures(db, visible)]);
  const membersBy = groupBy(members);
  const cadresBy = groupBy(cadres);
  const measuresBy = groupBy(measures);
  const teams = new Map<string, Awaited<ReturnType<typeof q.findWorkTeam>>>();
  for (const v of new Set(households.map((h) => h.village_code))) teams.set(v, await q.findWorkTeam(db, v, today));
  const lines = new Map<string, q.Lines>();
  for (const county of new Set(households.map((h) => h.county_code))) {
    const years = [...new Set(households.filter((h) => h.county_code === county && h.year != null).map((h) => Number(h.year)))];
    for (const l of await q.loadLines(db, county, years)) lines.set(`${county}:${l.year}`, l);
  }

  return households.map((h) => {
    const ms = membersBy.get(h.id) ?? [];
    const line = h.year != null ? lines.get(`${h.county_code}:${h.year}`) : undefined;
    const team = teams.get(h.village_code);
    const allMeasures = measuresBy.get(h.id) ?? [];
    const flags = [
      h.is_military_family ? '军烈属' : null,
      h.is_relocated ? `易地扶贫搬迁户${h.relocation_site ? `（${h.relocation_site}）` : ''}` : null,
    ].filter((x): x is string => x != null);
    return {
      householdNo: h.household_no,
      area: [h.county_name, h.township_name, h.village_name, h.group_name].filter(Boolean).join(' '),
      headName: h.head_name,
      headIdNumber: mask.idNumber(h.head_id_number),
      phone: mask.phone(h.phone),
      address: h.address,
      householdType: h.household_type,
      status: h.status,
      monitoringCategory: h.monitoring_category,
      identifiedYear: h.identified_year,
      exitYear: h.exit_year,
      mainCause: h.main_cause,
      otherCauses: h.other_causes ?? [],
      riskTypes: h.risk_types ?? [],
      flags,
      memberCount: Number(h.member_count ?? ms.length),
      members: ms.slice(0, MAX_MEMBERS).map((m) => ({
        name: m.name,
        relation: m.relation,
        sex: m.sex,
        idNumber: mask.idNumber(m.id_number),
        health: mask.health(m.health),
        labor: m.labor_skill,
        work: m.schooling && m.schooling !== '非在校生' ? m.schooling : m.work_status,
      })),
      year: h.year == null ? null : Number(h.year),
      income:
        h.year == null
          ? null
          : {
              wage: Number(h.wage_income ?? 0),
              business: Number(h.business_income ?? 0),
              property: Number(h.property_income ?? 0),
              transfer: Number(h.transfer_income ?? 0),
              expense: Number(h.business_expense ?? 0),
              perCapita: Number(h.per_capita_income ?? 0),
              size: Number(h.household_size ?? 0),
            },
      lines: line ? { poverty: line.poverty_line, monitoring: line.monitoring_line } : null,
      guarantees: GUARANTEES.map(([k, label]) => ({
        label,
        secure: (h[`${k}_secure`] as boolean | null | undefined) ?? null,
        note: (h[`${k}_note`] as string | null | undefined) ?? null,
      })),
      cadres: (cadresBy.get(h.id) ?? []).map((c) => ({ name: c.name, workUnit: c.work_unit, phone: mask.officialPhone(c.phone) })),
      workTeam: team ? { name: team.name, firstSecretary: team.first_secretary, dispatchingUnit: team.dispatching_unit } : null,
      measures: allMeasures.slice(0, MAX_MEASURES).map((m) => ({
        date: m.measure_date,
        category: m.category,
        subtype: m.subtype,
        amount: m.amount == null ? null : Number(m.amount),
        quantity: m.quantity,
        unit: m.unit,
        outcome: m.outcome,
      })),
      measureCount: allMeasures.length,
    };
  });
}

// ── Layout ───────────────────────────────────────────────────────────────────────────────────
const yuan = (fen: number) => `${(fen / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 })} 元`;
const yesNo = (v: boolean | null) => (v == null ? '未填' : v ? '是' : '否');
const dash = (v: string | number | null | undefined) => (v == null || v === '' ? '—' : String(v));

/**
 * 家庭人口 as printed: the current members, and — when the 收入年度 counted a different number (the
 * divisor of its 年人均纯收入) — that year's count beside it, so the two figures never disagree silently.
 */
export function familySize(card: Pick<MingbaiCard, 'memberCount' | 'income' | 'year'>): string {
  const now = `${card.memberCount} 人`;
  if (!card.income || card.income.size === card.memberCount) return now;
  return `${now}（${card.year} 年度 ${card.income.size} 人）`;
}

/** Where the per-capita income stands against the county's lines for the year. */
export function incomeVerdict(card: Pick<MingbaiCard, 'income' | 'lines' | 'year'>): string {
  if (!card.income) return '尚未录入收入';
  if (!card.lines) return `未设置 ${card.year} 年度贫困线/监测线`;
  const pc = card.income.perCapita;
  if (pc < card.lines.poverty) return '低于贫困线';
  if (pc < card.lines.monitoring) return '低于监测线';
  return '高于监测线';
}

const GREY = '#f0f0f0';
/** One line of 9 pt text with its padding. */
const ROW = 16;
/** Space kept at the foot of the page for the signatures and the print note. */
const SIGNATURES = 52;
type Cell = string | PDFKit.Mixins.CellOptions;
const label = (text: string): Cell => ({ text, backgroundColor: GREY, font: { src: fontFiles().bold } });

function heading(doc: Doc, text: string) {
  doc.moveDown(0.4).font(fontFiles().bold).fontSize(11).text(text, doc.page.margins.left).font(fontFiles().regular).fontSize(9).moveDown(0.15);
}

export interface PrintFooter {
  printedBy: string;
  printedAt: string;
  masked: boolean;
}

/** Draws one card on a new page. Everything is bounded so that a card is one page. */
export function renderCard(doc: Doc, card: MingbaiCard, footer: PrintFooter) {
  doc.addPage();
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const table = (data: Cell[][], columns: (number | string)[], rowHeight: number | ((row: number) => number) = ROW) =>
    doc.table({
      position: { x: left },
      maxWidth: width,
      columnStyles: columns,
      // Fixed row heights with ellipsis: long notes are cut, never pushed onto a second page.
      rowStyles: (i: number) => ({ height: typeof rowHeight === 'number' ? rowHeight : rowHeight(i) }),
      defaultStyle: { border: 0.5, borderColor: '#555', padding: [2, 3], textOptions: { ellipsis: true } },
      data,
    });

  const title = card.status === '监测户' ? '防止返贫监测帮扶明白卡' : '帮扶明白卡';
  doc.font(fontFiles().bold).fontSize(18).text(title, left, doc.page.margins.top, { width, align: 'center' });
  doc.font(fontFiles().regular).fontSize(9).moveDown(0.2);
  doc.text(`${card.area}    户编号：${card.householdNo}    收入年度：${dash(card.year)}`, { width, align: 'center' });

  heading(doc, '一、家庭基本情况');
  const causes = card.status === '监测户' ? card.riskTypes.join('、') : card.otherCauses.join('、');
  table(
    [
      [label('户主姓名'), card.headName, label('户主证件号码'), dash(card.headIdNumber)],
      [label('户类型'), card.householdType, label('户状态'), card.status + (card.monitoringCategory ? `（${card.monitoringCategory}）` : '')],
      [label('识别年度'), dash(card.identifiedYear), label('脱贫年度'), dash(card.exitYear)],
      [label('家庭人口'), familySize(card), label('联系电话'), dash(card.phone)],
      [label('主要致贫原因'), dash(card.mainCause), label(card.status === '监测户' ? '风险类型' : '其他致贫原因'), dash(causes)],
      [label('家庭住址'), { text: dash(card.address) + (card.flags.length ? `    ${card.flags.join('，')}` : ''), colSpan: 3 }],
    ],
    [72, '*', 80, '*'],
  );

  const inc = card.income;
  heading(doc, '二、家庭成员');
  table(
    [
      ['序号', '姓名', '与户主关系', '性别', '证件号码', '健康状况', '劳动技能', '务工/在校'].map(label),
      ...card.members.map((m, i) => [String(i + 1), m.name, m.relation, dash(m.sex), dash(m.idNumber), dash(m.health), dash(m.labor), dash(m.work)]),
    ],
    [28, 56, 56, 30, 110, '*', '*', '*'],
  );
  if (card.memberCount > card.members.length) doc.text(`另有 ${card.memberCount - card.members.length} 名成员未列出，详见一户一卡。`, left);

  heading(doc, inc ? `三、收入情况（${card.year} 年度，年人均纯收入按家庭人口 ${inc.size} 人计算）` : '三、收入情况');
  table(
    [
      [
        label('工资性收入'),
        inc ? yuan(inc.wage) : '—',
        label('生产经营性收入'),
        inc ? yuan(inc.business) : '—',
        label('财产性收入'),
        inc ? yuan(inc.property) : '—',
      ],
      [
        label('转移性收入'),
        inc ? yuan(inc.transfer) : '—',
        label('生产经营性支出'),
        inc ? yuan(inc.expense) : '—',
        label('年人均纯收入'),
        inc ? yuan(inc.perCapita) : '—',
      ],
      [
        label('贫困线'),
        card.lines ? yuan(card.lines.poverty) : '—',
        label('监测线'),
        card.lines ? yuan(card.lines.monitoring) : '—',
        label('对比'),
        incomeVerdict(card),
      ],
    ],
    [70, '*', 80, '*', 70, '*'],
  );

  heading(doc, '四、两不愁三保障及饮水安全');
  table(
    [
      card.guarantees.slice(0, 3).flatMap((g) => [label(g.label), yesNo(g.secure)]),
      card.guarantees.slice(3).flatMap((g) => [label(g.label), yesNo(g.secure)]),
      [
        label('说明'),
        {
          text: dash(
            card.guarantees
              .filter((g) => g.note)
              .map((g) => `${g.label}：${g.note}`)
              .join('；'),
          ),
          colSpan: 5,
        },
      ],
    ],
    [86, '*', 86, '*', 86, '*'],
    (i) => (i === 2 ? 2 * ROW - 4 : ROW),
  );

  heading(doc, '五、帮扶责任人');
  table(
    [
      ['帮扶责任人', '工作单位', '联系电话'].map(label),
      ...(card.cadres.length ? card.cadres.slice(0, MAX_CADRES).map((c) => [c.name, dash(c.workUnit), dash(c.phone)]) : [['—', '—', '—']]),
      [
        label('驻村工作队'),
        {
          text: card.workTeam
            ? `${card.workTeam.name}${card.workTeam.dispatchingUnit ? `（${card.workTeam.dispatchingUnit}）` : ''}${card.workTeam.firstSecretary ? `  第一书记：${card.workTeam.firstSecretary}` : ''}`
            : '—',
          colSpan: 2,
        },
      ],
    ],
    [110, '*', 140],
  );

  heading(doc, '六、帮扶措施及享受政策');
  const bottom = doc.page.height - doc.page.margins.bottom;
  // Rows that still fit above the signatures (the header row and the "另有" line included).
  const fit = Math.max(1, Math.floor((bottom - SIGNATURES - doc.y) / ROW) - 2);
  const measures = card.measures.slice(0, fit);
  table(
    [
      ['日期', '类别', '项目', '金额/数量', '成效'].map(label),
      ...(measures.length
        ? measures.map((m) => [
            m.date,
            m.category,
            dash(m.subtype),
            m.amount != null ? yuan(m.amount) : m.quantity != null ? `${m.quantity}${m.unit ?? ''}` : '—',
            dash(m.outcome),
          ])
        : [['—', '—', '—', '—', '—']]),
    ],
    [64, 70, 100, 80, '*'],
  );
  if (card.measureCount > measures.length) doc.text(`另有 ${card.measureCount - measures.length} 项较早的帮扶措施未列出，详见一户一卡。`, left);

  // Signatures and the print note sit at the bottom of the page, whatever the content above.
  doc.fontSize(10).text('户主签字：______________        帮扶责任人签字：______________        日期：____年__月__日', left, bottom - 44, {
    width,
    lineBreak: false,
  });
  doc
    .fontSize(7.5)
    .fillColor('#666')
    .text(
      `打印：${footer.printedBy}  ${footer.printedAt}  ·  滴灌（Dripline）生成${footer.masked ? '  ·  证件号码、电话已按规定隐藏' : ''}`,
      left,
      bottom - 14,
      { width, lineBreak: false },
    )
    .fillColor('black');
}
