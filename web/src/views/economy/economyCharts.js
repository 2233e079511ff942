// The charts of the economy pages: the peers' growth of one indicator as bars (the district's own
// bar in red), and the growth trend of the district's indicators by month as lines. Bars and
// lines are plotted from numbers; labels and tooltips show the API's decimal text.
import { echarts } from '../../charts.js'
import { i18n } from '../../i18n.js'
import { figure, periodText } from './economyRefs.js'

const t = (key, args) => i18n.global.t(key, args)
const escape = (text) => echarts.format.encodeHTML(String(text ?? ''))
const number = (v) => (v === null || v === undefined || v === '' ? null : Number(v))
const kOwn = '#d9302c'
const kOther = '#8fb3e0'

// Ranking items [{name, growth, rank, own}] (sorted by rank) → one bar of growth per peer.
export function peersGrowthOption(items) {
  const rows = Array.isArray(items) ? items : []
  return {
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (list) => {
        const x = (Array.isArray(list) ? list : [list])[0]
        if (!x) return ''
        const row = rows[x.dataIndex] || {}
        return `${escape(row.name)}<br>${escape(t('eco.chart.growth'))} <b>${escape(figure(row.growth))}</b>%`
      },
    },
    grid: { left: 48, right: 16, top: 28, bottom: 28 },
    xAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { interval: 0 } },
    yAxis: { type: 'value', name: '%', nameTextStyle: { align: 'right' } },
    series: [
      {
        name: t('eco.chart.growth'),
        type: 'bar',
        barMaxWidth: 36,
        data: rows.map((r) => ({ value: number(r.growth), itemStyle: { color: r.own ? kOwn : kOther } })),
        label: { show: true, position: 'top', formatter: (x) => figure(rows[x.dataIndex]?.growth) },
      },
    ],
  }
}

// The bulletin's trend {periods: ["2022-01", …], series: [{indicator, name, growth: [text|null, …]}]}
// → one line per indicator across the months, gaps where no rate was published.
export function trendOption(trend, nameOf = (s) => s.name) {
  const periods = Array.isArray(trend?.periods) ? trend.periods : []
  const series = Array.isArray(trend?.series) ? trend.series : []
  return {
    tooltip: {
      trigger: 'axis',
      formatter: (list) => {
        const items = Array.isArray(list) ? list : [list]
        if (!items.length) return ''
        const lines = [escape(items[0].axisValueLabel)]
        for (const x of items) {
          const text = series[x.seriesIndex]?.growth?.[x.dataIndex]
          lines.push(`${x.marker}${escape(x.seriesName)} <b>${escape(figure(text))}</b>%`)
        }
        return lines.join('<br>')
      },
    },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 48, right: 24, top: 40, bottom: 28 },
    xAxis: { type: 'category', data: periods.map((p) => periodText(p, true)) },
    yAxis: { type: 'value', name: '%', nameTextStyle: { align: 'right' } },
    series: series.map((s) => ({
      name: nameOf(s),
      type: 'line',
      connectNulls: false,
      symbolSize: 6,
      data: (s.growth || []).map(number),
    })),
  }
}
