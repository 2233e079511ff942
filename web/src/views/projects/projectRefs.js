// What the key-project pages (重点项目调度) share: the industries, departments and regions (loaded
// once per session; names fall back to "#id" when a list is refused), the amounts formatter (the
// API's integer 元 as 万元 or 亿元 with two decimals, rounded half to even in integer arithmetic,
// exactly as docs/projects.md prescribes — 14,837,000,000 元 is "148.37" 亿元), the labels of the
// API's codes (levels, natures, statuses, colours, dimensions, measures, report states), the gap
// to time progress in words, the rule-set bands as sentences and the period of a page (?year=
// &month=). Percentages and colours are the server's, shown as sent, never recomputed here.
import { computed, reactive, ref, watch } from 'vue'
import { api } from '../../api.js'
import { auth } from '../../auth.js'
import { currentLocale, i18n } from '../../i18n.js'
import { buildTree, formatDecimal, formatPercent, shanghaiToday } from '../../util.js'

const t = (key, args) => i18n.global.t(key, args)

// --- reference lists ---------------------------------------------------------------------

const refs = reactive({ token: '', industries: [], departments: [], regions: [] })
let loading = null

export function loadProjectRefs() {
  if (refs.token === auth.token && loading) return loading
  refs.token = auth.token
  loading = Promise.allSettled([api.projectIndustries(), api.departments(), api.regions()]).then(([i, d, r]) => {
    refs.industries = i.status === 'fulfilled' ? i.value.items || [] : []
    refs.departments = d.status === 'fulfilled' ? d.value.items || [] : []
    refs.regions = r.status === 'fulfilled' ? r.value.items || [] : []
    if ([i, d, r].some((x) => x.status !== 'fulfilled')) loading = null // asked again next time
    return refs
  })
  return loading
}

export const industries = computed(() => refs.industries)
const departmentMap = computed(() => new Map(refs.departments.map((d) => [d.id, d])))
const regionMap = computed(() => new Map(refs.regions.map((r) => [r.id, r])))
export const departmentTree = computed(() => buildTree(refs.departments, 'sort'))
export const towns = computed(() =>
  refs.regions.filter((r) => r.level === 'town').sort((a, b) => String(a.code).localeCompare(String(b.code))),
)

// An industry's name: the API's (Chinese) as sent; in English the console's own when it has one.
export function industryName(code, apiName = '') {
  if (!code) return ''
  const key = 'prj.industry.' + code
  if (currentLocale() === 'en' && i18n.global.te(key)) return t(key)
  return apiName || refs.industries.find((x) => x.code === code)?.name || code
}
export function departmentName(id) {
  if (id === null || id === undefined) return ''
  return departmentMap.value.get(id)?.name || `#${id}`
}
export function regionName(id) {
  if (id === null || id === undefined) return ''
  return regionMap.value.get(id)?.name || `#${id}`
}

// Whether the signed-in user answers for a project's reports, as the server judges it: their
// department is the lead unit or above it. Without the departments list the server decides (true).
export function leadsProject(project) {
  return !!project && inMyDepartment(project.lead_unit_id)
}
// Whether a unit is the signed-in user's department or below it (the responsible unit of an issue
// resolves it). Without the departments list the server decides (true).
export function inMyDepartment(unitId) {
  const mine = auth.user?.department_id
  if (unitId === null || unitId === undefined || mine === null || mine === undefined) return false
  if (!refs.departments.length) return true
  let node = departmentMap.value.get(unitId)
  for (let guard = 0; node && guard < 32; guard++) {
    if (node.id === mine) return true
    node = node.parent_id !== null && node.parent_id !== undefined ? departmentMap.value.get(node.parent_id) : null
  }
  return false
}

// --- amounts -----------------------------------------------------------------------------

const kWan = 10_000n
const kYi = 100_000_000n

// `yuan` ÷ `unit` with two decimals, rounded half to even (GB/T 8170), in BigInt arithmetic so no
// binary fraction ever shows; '—' for anything that is not an integer.
function scaled(yuan, unit) {
  if (yuan === null || yuan === undefined || yuan === '') return '—'
  let n
  try {
    n = BigInt(yuan)
  } catch {
    return '—'
  }
  const negative = n < 0n
  if (negative) n = -n
  const num = n * 100n
  let q = num / unit
  const r = num % unit
  if (r * 2n > unit || (r * 2n === unit && q % 2n === 1n)) q += 1n
  const digits = q.toString().padStart(3, '0')
  return `${negative && q !== 0n ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`
}

// 元 → "1234.56" (万元) and "148.37" (亿元).
export const formatWan = (yuan) => scaled(yuan, kWan)
export const formatYi = (yuan) => scaled(yuan, kYi)
// With the unit: "1234.56 万元" / "148.37 亿元" ("10k yuan" / "100m yuan" in English).
export function amountText(yuan, unit = 'wan') {
  const text = unit === 'yi' ? formatYi(yuan) : formatWan(yuan)
  return text === '—' ? text : `${text} ${t(unit === 'yi' ? 'prj.unitYi' : 'prj.unitWan')}`
}
// 元 → the 万元 text a form starts from, exactly and without trailing zeros: 305600000 → "30560",
// 12345600 → "1234.56".
export function wanInput(yuan) {
  if (yuan === null || yuan === undefined || yuan === '') return ''
  let n
  try {
    n = BigInt(yuan)
  } catch {
    return ''
  }
  const negative = n < 0n
  if (negative) n = -n
  const whole = (n / kWan).toString()
  const frac = (n % kWan).toString().padStart(4, '0').replace(/0+$/, '')
  return `${negative ? '-' : ''}${whole}${frac ? '.' + frac : ''}`
}
// For chart axes only (plotting needs numbers; labels and tooltips use the texts above).
export const wanNumber = (yuan) => (yuan === null || yuan === undefined ? null : Number(yuan) / 10_000)
export const yiNumber = (yuan) => (yuan === null || yuan === undefined ? null : Number(yuan) / 100_000_000)
// An amount typed in 万元: at most 4 decimals (whole 元), not negative. The server judges too.
export const kWanPattern = /^\d{1,10}(\.\d{1,4})?$/

// --- codes and their labels -------------------------------------------------------------

export const kLevels = ['provincial', 'city', 'county']
export const kNatures = ['new', 'continued', 'expansion']
export const kStatuses = ['preparation', 'construction', 'completed', 'production', 'suspended']
export const kColours = ['green', 'yellow', 'red']
export const kReportStatuses = ['submitted', 'accepted', 'returned']
export const kApprovalKinds = ['approval', 'land', 'planning', 'eia', 'energy', 'permit']
export const kMonths = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]

const label = (group, code) => {
  if (code === null || code === undefined || code === '') return ''
  const key = `prj.${group}.${code}`
  return i18n.global.te(key) ? t(key) : String(code)
}
export const levelText = (code) => label('level', code)
export const natureText = (code) => label('nature', code)
export const statusText = (code) => label('status', code)
export const colourText = (code) => (code ? label('colour', code) : t('prj.colour.none'))
export const reportStatusText = (code) => label('reportStatus', code)
export const reportStatusTag = (code) => (code === 'accepted' ? 'success' : code === 'returned' ? 'danger' : 'warning')
export const historyActionText = (code) => label('action', code)
export const trackingStateText = (code) => label('tracking', code)
export const trackingStateTag = (code) =>
  code === 'on_time' ? 'success' : code === 'late' ? 'warning' : code === 'missing' ? 'danger' : 'info'
// An approval's name: the API's (Chinese) as sent, in English the console's own.
export const approvalText = (kind, apiName = '') =>
  currentLocale() === 'en' || !apiName ? label('approval', kind) : apiName
// The dot's CSS class (style.css): prj-green, prj-yellow, prj-red, prj-none.
export const colourCss = (code) => (kColours.includes(code) ? `prj-${code}` : 'prj-none')
// A month's short name: "10月" / "Oct".
export function monthText(m) {
  if (currentLocale() === 'en' && Number.isInteger(Number(m)) && m >= 1 && m <= 12)
    return new Intl.DateTimeFormat('en', { month: 'short', timeZone: 'UTC' }).format(new Date(Date.UTC(2000, Number(m) - 1, 1)))
  return t('prj.monthN', { m })
}

// Issues (问题清单): their types, the three levels (1 业主及责任单位协调, 2 部门联席会议调度, 3 区政府专题
// 研究) and the actions of their log.
export const kIssueKinds = ['land', 'funding', 'approvals', 'relocation', 'utilities', 'labour', 'other']
export const kIssueLevels = [1, 2, 3]
export const kIssueStatuses = ['open', 'resolved']
export const issueKindText = (code) => label('issueKind', code)
// A level's name: the API's (Chinese) as sent, in English the console's own.
export const issueLevelText = (level, apiName = '') => (currentLocale() === 'en' || !apiName ? label('issueLevel', level) : apiName)
export const issueLevelTag = (level) => (level >= 3 ? 'danger' : level === 2 ? 'warning' : 'info')
export const issueStatusText = (code) => label('issueStatus', code)
export const issueActionText = (code) => label('issueAction', code)

// Investment attraction: a lead's stages in order ("dropped" leaves from any before "converted") and
// the brackets of signed amounts (lt1 < 1亿, 1to10, 10to50, ge50 ≥ 50亿元).
export const kLeadStages = ['lead', 'negotiating', 'signed', 'registered', 'started', 'converted']
export const kBrackets = ['lt1', '1to10', '10to50', 'ge50']
export const leadStageText = (code) => label('leadStage', code)
export const bracketText = (code) => label('bracket', code)
export const leadStageTag = (code) =>
  code === 'dropped' ? 'info' : code === 'converted' ? 'success' : ['signed', 'registered', 'started'].includes(code) ? 'primary' : 'warning'
// The stages a lead may move to: every later one, and "dropped" (none once converted or dropped).
export function nextLeadStages(stage) {
  const at = kLeadStages.indexOf(stage)
  if (at < 0 || stage === 'converted') return []
  return [...kLeadStages.slice(at + 1), 'dropped']
}

// --- percentages and the gap to time progress ----------------------------------------------

export const percentText = (v) => formatPercent(v)
// "超序时进度 56.5 个百分点" / "低于序时进度 38.3 个百分点" / "与序时进度持平"; '—' without a plan.
export function gapText(v) {
  if (v === null || v === undefined || v === '' || !Number.isFinite(Number(v))) return '—'
  const n = Number(v)
  if (n === 0) return t('prj.gapEven')
  return t(n > 0 ? 'prj.gapAhead' : 'prj.gapBehind', { n: formatDecimal(Math.abs(n), 1) })
}
export const gapTag = (v) => (v === null || v === undefined ? 'info' : Number(v) >= 0 ? 'success' : 'danger')

// --- rule sets ------------------------------------------------------------------------------

export const kDimensions = ['start', 'investment', 'milestones', 'reporting']
export const dimensionText = (code, apiName = '') =>
  currentLocale() === 'en' || !apiName ? label('dimension', code) : apiName
export const measureText = (code) => label('measure', code)
export const measureUnit = (code) => label('measureUnit', code)

const bound = (v) => String(Number(v))
// A band as a range: "[10, 30]", "< 10", "≥ 30" (the bounds as the API sends them).
export function bandRange(b) {
  const hasMin = b.min !== undefined && b.min !== null
  const hasMax = b.max !== undefined && b.max !== null
  const minIn = b.min_inclusive !== false
  const maxIn = b.max_inclusive !== false
  if (hasMin && hasMax) return `${minIn ? '[' : '('}${bound(b.min)}, ${bound(b.max)}${maxIn ? ']' : ')'}`
  if (hasMax) return `${maxIn ? '≤' : '<'} ${bound(b.max)}`
  if (hasMin) return `${minIn ? '≥' : '>'} ${bound(b.min)}`
  return t('prj.rules.anyValue')
}
// "落后序时进度 [10, 30] 个百分点为黄".
export function bandSentence(measure, b) {
  return t('prj.rules.band', { measure: measureText(measure), range: bandRange(b), unit: measureUnit(measure), colour: colourText(b.colour) })
}
// "连续 2 个月黄灯升为红灯".
export function escalationText(e) {
  return t('prj.rules.escalation', { n: e.consecutive, from: colourText(e.from), to: colourText(e.to) })
}
// An escalation as the colour reasons keep it ("yellow×2→red").
export function escalationCodeText(code) {
  const m = /^(\w+)×(\d+)→(\w+)$/.exec(String(code || ''))
  return m ? escalationText({ from: m[1], consecutive: Number(m[2]), to: m[3] }) : String(code || '')
}
// The measure a rule set reads for a dimension (the reasons of a colour name only the dimension).
export function measureOf(set, dimension) {
  return (set?.rules || []).find((r) => r.dimension === dimension)?.measure || ''
}

// --- the period of a page ---------------------------------------------------------------------

export function thisYearMonth() {
  const [y, m] = shanghaiToday().split('-').map(Number)
  return { year: y, month: m }
}
const asInt = (v, lo, hi) => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN
  return Number.isInteger(n) && n >= lo && n <= hi ? n : null
}
// ?year=&month= when valid, else this year and this month (December for another year), as the
// API's own default.
export function periodFromQuery(query) {
  const now = thisYearMonth()
  const year = asInt(query?.year, 1990, 2100) ?? now.year
  const month = asInt(query?.month, 1, 12) ?? (year === now.year ? now.month : 12)
  return { year, month }
}
export const yearFromQuery = (query) => asInt(query?.year, 1990, 2100)

// A colour's value for a chart, from style.css (--prj-green …), so the colours live in one place.
export function colourValue(code) {
  const name = kColours.includes(code) ? code : 'none'
  const v = getComputedStyle(document.documentElement).getPropertyValue(`--prj-${name}`).trim()
  return v || { green: '#2e9e44', yellow: '#f5c400', red: '#d9302c', none: '#c0c4cc' }[name]
}

// A colour reason as the server keeps it ({dimension, dimension_name, colour, measured, band}, or
// {escalation}) in words: "投资进度：落后序时进度 38.3 个百分点（区间 (30, +∞)）". `set` is the rule
// set the colour was evaluated with (the reason names only the dimension, not its measure).
export function reasonText(r, set = null) {
  if (!r) return ''
  if (r.escalation) return escalationCodeText(r.escalation)
  const dim = dimensionText(r.dimension, r.dimension_name)
  const measure = measureOf(set, r.dimension)
  const value = measure ? t('prj.reason.measured', { measure: measureText(measure), n: r.measured, unit: measureUnit(measure) }) : r.measured
  return t('prj.reason.text', { dimension: dim, value, band: r.band })
}

// The year and month of a page, kept in the route's query too (so a reload, a link or the way
// back keeps them): {year: "YYYY" (the year picker's value), month: 1–12, period: {year, month}}.
export function useRoutePeriod(route, router) {
  const first = periodFromQuery(route.query)
  const year = ref(String(first.year))
  const month = ref(first.month)
  const period = computed(() => ({ year: Number(year.value), month: month.value }))
  // Only while this page is the one shown (leaving it changes the route before it unmounts).
  const page = route.name
  watch(period, (p) => {
    if (route.name !== page) return
    if (route.query.year !== String(p.year) || route.query.month !== String(p.month))
      router.replace({ query: { ...route.query, year: String(p.year), month: String(p.month) } })
  })
  watch(
    () => [route.query.year, route.query.month],
    () => {
      if (route.name !== page) return
      const p = periodFromQuery(route.query)
      if (p.year !== Number(year.value)) year.value = String(p.year)
      if (p.month !== month.value) month.value = p.month
    },
  )
  return { year, month, period }
}

// The warnings[] of a saved report in the console's language (api.js reads them).
export { warningTexts } from '../../api.js'

// Users named in reports and their history: the platform's users API when the user may read every
// user (user:read in a scope of all; a unit's admin reads only their own department's), else "#id".
// Looked up once per id and session.
const users = reactive({ token: '', names: {} })
const asked = new Set()
export function userName(id) {
  if (id === null || id === undefined) return ''
  if (users.token !== auth.token) {
    users.token = auth.token
    users.names = {}
    asked.clear()
  }
  if (!asked.has(id) && auth.permissions.includes('user:read') && auth.dataScope === 'all') {
    asked.add(id)
    api.user(id).then(
      (u) => (users.names[id] = u?.name || u?.username || `#${id}`),
      () => {},
    )
  }
  return users.names[id] || `#${id}`
}
