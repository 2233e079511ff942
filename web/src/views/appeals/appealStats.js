// The statistics contract (docs/appeals.md "Statistics") as the console reads it: the groups,
// the metrics of a row in the order shown, how each is formatted, and the label of a row's
// group key. Labels live in the locales (appeal.stats.*).
import { i18n } from '../../i18n.js'
import { formatDecimal, formatPercent } from '../../util.js'
import { categoryName, codeLabel, departmentName, regionName } from './appealRefs.js'

export const kStatGroups = ['unit', 'region', 'category', 'channel', 'type', 'day', 'week', 'month']
// Groups along time: drawn as lines, in the order the server sends them.
export const kTimeGroups = ['day', 'week', 'month']

// kind: count (an integer), rate (a percentage 0–100 as the API sends it, null without a
// denominator), days (a mean in working days).
export const kStatMetrics = [
  { key: 'received', kind: 'count' },
  { key: 'dispatched', kind: 'count' },
  { key: 'direct', kind: 'count' },
  { key: 'signed', kind: 'count' },
  { key: 'sign_on_time_rate', kind: 'rate' },
  { key: 'closed', kind: 'count' },
  { key: 'closed_rate', kind: 'rate' },
  { key: 'closed_on_time_rate', kind: 'rate' },
  { key: 'overdue', kind: 'count' },
  { key: 'callbacks', kind: 'count' },
  { key: 'reached', kind: 'count' },
  { key: 'satisfaction_rate', kind: 'rate' },
  { key: 'solved_rate', kind: 'rate' },
  { key: 'reopen_rate', kind: 'rate' },
  { key: 'repeat_rate', kind: 'rate' },
  { key: 'avg_handle_days', kind: 'days' },
  { key: 'response_rate', kind: 'rate' },
]

// A metric of a row. 响应率 is 按时签收率 under the ranking's name (docs/appeals.md); a row
// that does not repeat it under that name shows the same number.
export function metricValue(row, key) {
  if (!row) return null
  if (key === 'response_rate' && row.response_rate === undefined) return row.sign_on_time_rate ?? null
  return row[key] ?? null
}

export function formatMetric(kind, value) {
  if (kind === 'rate') return formatPercent(value)
  if (kind === 'days') return formatDecimal(value, 2)  // as the exports
  return value === null || value === undefined ? '—' : String(value)
}

const pad = (n) => String(n).padStart(2, '0')

// ISO-8601 week of a date given as UTC midnight: "YYYY-Www" (the server's week keys).
function isoWeek(date) {
  const thursday = new Date(date)
  thursday.setUTCDate(date.getUTCDate() + 3 - ((date.getUTCDay() + 6) % 7))
  const year = thursday.getUTCFullYear()
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / 86_400_000 / 7)
  return `${year}-W${pad(week)}`
}

// Every key of a time group in a period ("YYYY-MM-DD" both ends included), in order, so a
// line over time shows the days, weeks or months without cases as zeros (the API sends rows
// only for keys that have cases).
export function timeKeys(group, from, to) {
  const keys = []
  const end = Date.parse(`${to}T00:00:00Z`)
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && keys.length <= 400; t += 86_400_000) {
    const d = new Date(t)
    const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
    const key = group === 'day' ? day : group === 'month' ? day.slice(0, 7) : isoWeek(d)
    if (keys[keys.length - 1] !== key) keys.push(key)
  }
  return keys
}

// The value a row is grouped by: `key` in the statistics rows ("d:12", "r:5", "phone",
// "2026-W48", "none", …), `unit` in the ranking's.
export const statKey = (row) => row?.key ?? row?.unit ?? row?.id ?? null

// A unit key reads "d:<id>" for a department, "r:<id>" for a town that leads cases.
function unitName(key) {
  const m = /^(d|r):(\d+)$/.exec(String(key))
  if (!m) return ''
  return m[1] === 'd' ? departmentName(Number(m[2])) : regionName(Number(m[2]))
}

// The row of cases without a group key (not dispatched yet, no location…).
export const kNoKey = 'none'
export const isNoKey = (row) => {
  const key = statKey(row)
  return key === null || key === '' || key === kNoKey
}

// A row's label: the console's own label for codes and for the row without a key (so English
// works), else the server's label, else a lookup by id.
export function statRowLabel(group, row) {
  const key = statKey(row)
  const name = row?.name || row?.label || row?.unit_name || ''
  if (isNoKey(row)) {
    const own = `appeal.stats.none.${group}`
    return i18n.global.t(i18n.global.te(own) ? own : 'appeal.stats.unassigned')
  }
  if (group === 'channel' || group === 'type') return codeLabel(group, key, name)
  // Along time the key itself ("2026-11-27", "2026-W48", "2026-11") reads the same in both
  // languages, and matches the keys of the days without cases on the chart.
  if (kTimeGroups.includes(group)) return String(key)
  if (name) return name
  if (group === 'category') return categoryName(Number(key))
  if (group === 'region') return regionName(Number(key))
  if (group === 'unit') return unitName(key) || String(key)
  return String(key)
}
