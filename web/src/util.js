// Small pure helpers shared by the views: time display (seconds or minutes), Beijing periods,
// rates and decimals, password policy, flat list → tree.

// Asia/Shanghai has been UTC+8 without daylight saving since 1991, so a fixed offset gives
// the same answer as the tz database without depending on the browser's ICU data.
const kShanghaiOffsetMs = 8 * 3600 * 1000

const pad = (n) => String(n).padStart(2, '0')

// Epoch milliseconds (UTC) → "YYYY-MM-DD HH:mm:ss" in Beijing time; '' for nothing.
export function formatTime(ms) {
  if (ms === null || ms === undefined || ms === '' || !Number.isFinite(Number(ms))) return ''
  const d = new Date(Number(ms) + kShanghaiOffsetMs)
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  )
}

// Epoch milliseconds (UTC) → "YYYY-MM-DD HH:mm" in Beijing time, for due dates and lists.
export function formatMinute(ms) {
  return formatTime(ms).slice(0, 16)
}

// Today's date in Beijing as "YYYY-MM-DD" (the browser's own zone may be another one).
export function shanghaiToday(now = Date.now()) {
  return formatTime(now).slice(0, 10)
}

// Beijing calendar periods as ["YYYY-MM-DD", "YYYY-MM-DD"], both ends included (the statistics
// API counts whole local days): `month` is this month up to today, `lastMonth` the whole
// previous month, `year` this year up to today.
export function shanghaiPeriod(kind, now = Date.now()) {
  const today = shanghaiToday(now)
  const [y, m] = today.split('-').map(Number)
  if (kind === 'month') return [`${y}-${pad(m)}-01`, today]
  if (kind === 'year') return [`${y}-01-01`, today]
  if (kind === 'lastMonth') {
    const [py, pm] = m === 1 ? [y - 1, 12] : [y, m - 1]
    const lastDay = new Date(Date.UTC(py, pm, 0)).getUTCDate() // day 0 of the next month
    return [`${py}-${pad(pm)}-01`, `${py}-${pad(pm)}-${pad(lastDay)}`]
  }
  throw new Error(`unknown period: ${kind}`)
}

// A share (0…1) as a percentage with one decimal: 0.8734 → "87.3%"; null (no denominator)
// and anything not a number → "—", never 0 % or 100 %.
export function formatRate(value) {
  if (value === null || value === undefined || value === '' || !Number.isFinite(Number(value))) return '—'
  return `${(Number(value) * 100).toFixed(1)}%`
}

// A percentage as the statistics API sends it (87.3 for 87.3 %) with one decimal; null → "—".
export function formatPercent(value) {
  if (value === null || value === undefined || value === '' || !Number.isFinite(Number(value))) return '—'
  return `${Number(value).toFixed(1)}%`
}

// A number with a fixed count of decimals, or "—" for nothing.
export function formatDecimal(value, digits = 1) {
  if (value === null || value === undefined || value === '' || !Number.isFinite(Number(value))) return '—'
  return Number(value).toFixed(digits)
}

// "YYYY-MM-DD HH:mm:ss" read as Beijing time → epoch ms; null when it does not parse.
export function parseShanghaiTime(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(String(text || '').trim())
  if (!m) return null
  const [, y, mo, d, h, mi, s] = m.map(Number)
  return Date.UTC(y, mo - 1, d, h, mi, s || 0) - kShanghaiOffsetMs
}

// The platform's password policy: at least 8 characters from at least 3 of the classes
// lower case, upper case, digit, symbol. The server judges too; this only saves a round trip.
export function passwordPolicyOk(password) {
  const p = String(password || '')
  if (p.length < 8) return false
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(p)).length
  return classes >= 3
}

// Builds a forest from items carrying `id` and `parent_id`. An item whose parent is absent
// becomes a root, so a user scoped to part of the tree still sees what they may see.
// `sortKey` orders siblings; children arrays are omitted on leaves (tree tables prefer it).
export function buildTree(items, sortKey = null) {
  const nodes = new Map()
  for (const item of items || []) nodes.set(item.id, { ...item })
  const roots = []
  for (const node of nodes.values()) {
    const parent = node.parent_id !== null && node.parent_id !== undefined ? nodes.get(node.parent_id) : null
    if (parent && parent !== node) (parent.children ||= []).push(node)
    else roots.push(node)
  }
  if (sortKey) {
    const cmp = (a, b) => {
      const x = a[sortKey] ?? 0
      const y = b[sortKey] ?? 0
      if (x < y) return -1
      if (x > y) return 1
      return String(a.code ?? '').localeCompare(String(b.code ?? ''))
    }
    const sortAll = (list) => {
      list.sort(cmp)
      for (const n of list) if (n.children) sortAll(n.children)
    }
    sortAll(roots)
  }
  return roots
}

// Shows a JSON value (an object or an already-serialised string) as compact text.
export function jsonText(value) {
  if (value === null || value === undefined || value === '') return ''
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2)
    } catch {
      return value
    }
  }
  return JSON.stringify(value, null, 2)
}
