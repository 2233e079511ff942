// The charts of the key-project pages: a year's investment by month (bars) with its cumulative
// against the plan line (the API's monthly[] series: amount_yuan, cumulative_yuan, plan_line_yuan),
// and colour mixes as stacked bars. Bars and lines are plotted from numbers; every label and
// tooltip shows the API's integer 元 through the exact formatter of projectRefs.js.
import { echarts } from '../../charts.js'
import { i18n } from '../../i18n.js'
import { amountText, colourText, colourValue, kColours, leadStageText, monthText, wanNumber, yiNumber } from './projectRefs.js'

const t = (key, args) => i18n.global.t(key, args)
const escape = (text) => echarts.format.encodeHTML(String(text ?? ''))

// `unit`: 'yi' (亿元, the district) or 'wan' (万元, one project).
export function investmentOption(monthly, unit = 'yi') {
  const toNumber = unit === 'yi' ? yiNumber : wanNumber
  const point = (yuan) => ({ value: toNumber(yuan), yuan })
  const rows = Array.isArray(monthly) ? monthly : []
  const unitName = t(unit === 'yi' ? 'prj.unitYi' : 'prj.unitWan')
  return {
    tooltip: {
      trigger: 'axis',
      formatter: (items) => {
        const list = Array.isArray(items) ? items : [items]
        if (!list.length) return ''
        const lines = [escape(list[0].axisValueLabel)]
        for (const x of list) {
          const yuan = x.data?.yuan
          lines.push(`${x.marker}${escape(x.seriesName)} <b>${escape(yuan === null || yuan === undefined ? '—' : amountText(yuan, unit))}</b>`)
        }
        return lines.join('<br>')
      },
    },
    legend: { top: 0 },
    grid: { left: 64, right: 24, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: rows.map((m) => monthText(m.month)) },
    yAxis: { type: 'value', name: unitName, nameTextStyle: { align: 'right' } },
    series: [
      { name: t('prj.chart.monthly'), type: 'bar', data: rows.map((m) => point(m.amount_yuan)), itemStyle: { color: '#8fb3e0' }, barMaxWidth: 28 },
      { name: t('prj.chart.cumulative'), type: 'line', data: rows.map((m) => point(m.cumulative_yuan)), symbolSize: 6, itemStyle: { color: '#0b3d91' }, lineStyle: { width: 2 } },
      {
        name: t('prj.chart.planLine'),
        type: 'line',
        data: rows.map((m) => point(m.plan_line_yuan)),
        symbol: 'none',
        itemStyle: { color: '#d9302c' },
        lineStyle: { type: 'dashed', width: 1.5 },
      },
    ],
  }
}

// Groups [{name, colours: {green, yellow, red, none}}] as horizontal stacked bars.
export function colourMixOption(groups) {
  const rows = [...(groups || [])].reverse() // the first group on top
  const kinds = [...kColours, 'none']
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, data: kinds.map((c) => colourText(c === 'none' ? null : c)) },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: rows.map((g) => g.name), axisLabel: { width: 140, overflow: 'truncate' } },
    series: kinds.map((c) => ({
      name: colourText(c === 'none' ? null : c),
      type: 'bar',
      stack: 'colours',
      barMaxWidth: 22,
      itemStyle: { color: colourValue(c) },
      data: rows.map((g) => g.colours?.[c] ?? 0),
    })),
  }
}

// The attraction funnel ([{stage, count}] in the stages' order, as GET /api/projects/attraction/funnel
// sends it): one layer per stage, kept in that order (not sorted by count), each labelled with its
// count.
export function funnelOption(funnel) {
  const rows = Array.isArray(funnel) ? funnel : []
  const kPalette = ['#8fb3e0', '#5b8fd1', '#0b3d91', '#2e9e44', '#f5a623', '#d9302c']
  return {
    tooltip: {
      trigger: 'item',
      formatter: (x) => `${escape(x.name)} <b>${escape(x.value)}</b>`,
    },
    series: [
      {
        name: t('prj.attr.funnel'),
        type: 'funnel',
        sort: 'none',
        left: '10%',
        width: '80%',
        top: 8,
        bottom: 8,
        min: 0,
        max: Math.max(1, ...rows.map((r) => Number(r.count) || 0)),
        minSize: '8%',
        gap: 2,
        label: { show: true, position: 'inside', formatter: (x) => `${x.name} ${x.value}`, color: '#fff' },
        data: rows.map((r, i) => ({ name: leadStageText(r.stage), value: r.count, itemStyle: { color: kPalette[i % kPalette.length] } })),
      },
    ],
  }
}
