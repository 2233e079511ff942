// What the economy pages (经济运行) share: the indicator catalogue and the areas (loaded once per
// session, the catalogue again after an indicator is added), the labels of the API's codes, the
// periods of a year and their names (1–9月, 前三季度), the server's growth in words, the change of
// a rank as an arrow, and the page's choices kept in the route's query.
// Figures are the API's decimal text, shown as sent: never parsed into binary numbers and
// formatted again, never recomputed here (charts alone plot numbers).
import { computed, reactive, watch } from 'vue'
import { api } from '../../api.js'
import { auth } from '../../auth.js'
import { currentLocale, i18n } from '../../i18n.js'
import { shanghaiToday } from '../../util.js'

const t = (key, args) => i18n.global.t(key, args)

// --- reference lists ---------------------------------------------------------------------

const refs = reactive({ token: '', indicators: [], areas: null })
let loading = null

// Loads the catalogue and the areas for the signed-in user; a refused list stays empty and is
// asked again next time.
export function loadEconomyRefs({ force = false } = {}) {
  if (!force && refs.token === auth.token && loading) return loading
  refs.token = auth.token
  loading = Promise.allSettled([api.ecoIndicators(), api.ecoAreas()]).then(([i, a]) => {
    refs.indicators = i.status === 'fulfilled' ? i.value.items || [] : []
    refs.areas = a.status === 'fulfilled' ? a.value : null
    if (i.status !== 'fulfilled' || a.status !== 'fulfilled') loading = null
    return refs
  })
  return loading
}

export const ecoIndicators = computed(() => refs.indicators)
export const ecoAreas = computed(() => refs.areas?.items || [])
export const ecoDistrict = computed(() => refs.areas?.district || null)
export const indicatorOf = (code) => refs.indicators.find((x) => x.code === code) || null
export const areaOf = (code) => ecoAreas.value.find((x) => x.code === code) || null

// An indicator's name: the API's Chinese one, in English its name_en.
export function indicatorName(ind) {
  if (!ind) return ''
  return (currentLocale() === 'en' && ind.name_en) || ind.name || ind.code
}

// --- codes and their labels -------------------------------------------------------------

export const kPriceBases = ['current', 'comparable', 'physical']
export const kFrequencies = ['monthly', 'quarterly', 'yearly']
// The units of docs/economy.md; another may be typed.
export const kUnits = ['亿元', '万元', '亿美元', '万美元', '万千瓦时', '亿千瓦时', '万吨', '吨', '万人', '人', '%']
export const kAreaKinds = ['district', 'town', 'peer']

const label = (group, code) => {
  if (code === null || code === undefined || code === '') return ''
  const key = `eco.${group}.${code}`
  return i18n.global.te(key) ? t(key) : String(code)
}
export const priceBasisText = (code) => label('priceBasis', code)
export const frequencyText = (code) => label('frequency', code)
export const areaKindText = (code) => label('areaKind', code)
export const viaText = (code) => label('via', code)
export const growthBasisText = (code) => label('growthBasis', code)

// "—" for a figure the API does not have.
export const figure = (v) => (v === null || v === undefined || v === '' ? '—' : String(v))

// --- periods ------------------------------------------------------------------------------

const pad = (n) => String(n).padStart(2, '0')

// Every period of a year in an indicator's frequency: 2022-01 … 2022-12, 2022-Q1 … 2022-Q4, 2022.
export function periodsOfYear(frequency, year) {
  if (frequency === 'monthly') return Array.from({ length: 12 }, (_, i) => `${year}-${pad(i + 1)}`)
  if (frequency === 'quarterly') return [1, 2, 3, 4].map((q) => `${year}-Q${q}`)
  return [String(year)]
}

// A period's name: year to date for a cumulative figure (1–9月, 前三季度), the single month or
// quarter otherwise (9月, 三季度). The API's own label (period_label, period_label_en) wins when
// it sends one in the console's language.
export function periodText(period, cumulative = true, apiLabel = '', apiLabelEn = '') {
  const english = currentLocale() === 'en'
  if (english && apiLabelEn) return apiLabelEn
  if (!english && apiLabel) return apiLabel
  const p = String(period || '')
  let m = /^\d{4}-(\d{2})$/.exec(p)
  if (m) {
    const month = Number(m[1])
    const name = t(`eco.period.month.${month}`)
    return cumulative && month > 1 ? t('eco.period.monthsToDate', { to: name }) : name
  }
  m = /^\d{4}-Q([1-4])$/.exec(p)
  if (m) return t(`eco.period.${cumulative ? 'quartersToDate' : 'quarter'}.${m[1]}`)
  if (/^\d{4}$/.test(p)) return t('eco.period.year')
  return p
}
// With its year: "2022年1–9月", "2022年前三季度".
export function periodWithYear(period, cumulative = true, apiLabel = '', apiLabelEn = '') {
  const year = String(period || '').slice(0, 4)
  return t('eco.period.withYear', { y: year, p: periodText(period, cumulative, apiLabel, apiLabelEn) })
}

// The month before this one in Beijing ("YYYY-MM"): the latest whose figures can be out.
export function lastMonth(now = Date.now()) {
  const [y, m] = shanghaiToday(now).split('-').map(Number)
  return m === 1 ? `${y - 1}-12` : `${y}-${pad(m - 1)}`
}
export const thisYear = () => shanghaiToday().slice(0, 4)

// --- growth and ranks ---------------------------------------------------------------------

// A growth rate in words as the bulletins write it (增长4.5%, 下降1.4%, 持平, from 100 % up 增长1.8倍):
// the server's own wording (growth_zh / growth_en of a table row). Only for text in words: tables
// show the rate itself.
export const growthWords = (row) => (currentLocale() === 'en' ? row?.growth_en : row?.growth_zh) || ''

// Whether a row's growth was published or computed from the totals: the API's growth_basis; a
// stored figure without one (GET /values) carries only the published rate.
export function growthBasis(row) {
  if (row?.growth_basis) return row.growth_basis
  return row?.growth !== null && row?.growth !== undefined ? 'published' : null
}

// A move in the ranking: ↑2 (moved up two places), ↓1, — (kept its place); '' when unknown.
export function rankChangeText(change) {
  if (change === null || change === undefined) return ''
  const n = Number(change)
  if (n > 0) return `↑${n}`
  if (n < 0) return `↓${-n}`
  return '—'
}
export const rankChangeCss = (change) => (Number(change) > 0 ? 'eco-up' : Number(change) < 0 ? 'eco-down' : '')

// --- the page's choices in the route ------------------------------------------------------

// Keeps `defaults`' keys (each a string, '' for none) in the route's query both ways while this
// page is the one shown: a link opens the same view, a choice made here lands in the address.
// `valid[key]` (a RegExp) throws a malformed value from the address away.
export function useQueryState(route, router, defaults, valid = {}) {
  const page = route.name
  const keys = Object.keys(defaults)
  const read = () =>
    Object.fromEntries(
      keys.map((k) => {
        const v = route.query[k]
        return [k, typeof v === 'string' && v && (!valid[k] || valid[k].test(v)) ? v : defaults[k]]
      }),
    )
  const state = reactive(read())
  const write = () => {
    if (route.name !== page) return
    const query = { ...route.query }
    let changed = false
    for (const k of keys) {
      const v = state[k] ? String(state[k]) : undefined
      if (query[k] === v) continue
      changed = true
      if (v === undefined) delete query[k]
      else query[k] = v
    }
    if (changed) router.replace({ query })
  }
  watch(() => keys.map((k) => state[k]), write)
  // A link (or the way back) changes the view; the menu's bare path keeps it and shows it again.
  watch(
    () => keys.map((k) => route.query[k]),
    () => {
      if (route.name !== page) return
      const next = read()
      for (const k of keys) if (route.query[k] !== undefined && state[k] !== next[k]) state[k] = next[k]
      write()
    },
  )
  write()
  return state
}
export const kMonthPattern = /^\d{4}-(0[1-9]|1[0-2])$/
export const kYearPattern = /^\d{4}$/
