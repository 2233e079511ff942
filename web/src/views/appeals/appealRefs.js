// What the appeals pages share: the catalogue, departments and regions (loaded once per
// session, then looked up by id and offered as pickers), and the console's labels for the
// API's codes. The server labels its codes in Chinese only, so the labels live in the
// locales; the server's own label is the fallback for a code the console does not know yet.
import { computed, reactive } from 'vue'
import { api } from '../../api.js'
import { auth } from '../../auth.js'
import { i18n } from '../../i18n.js'
import { buildTree } from '../../util.js'

const refs = reactive({ token: '', categories: [], departments: [], regions: [] })
let loading = null

// Loads the reference lists for the signed-in user (each may be refused — a unit handler may
// not read the whole org — and then stays empty; names fall back to "#id").
export function loadAppealRefs() {
  if (refs.token === auth.token && loading) return loading
  refs.token = auth.token
  loading = Promise.allSettled([api.appealCategories(), api.departments(), api.regions()]).then(([c, d, r]) => {
    refs.categories = c.status === 'fulfilled' ? c.value.items || [] : []
    refs.departments = d.status === 'fulfilled' ? d.value.items || [] : []
    refs.regions = r.status === 'fulfilled' ? r.value.items || [] : []
    // A failed list is asked again next time a page opens.
    if ([c, d, r].some((x) => x.status !== 'fulfilled')) loading = null
    return refs
  })
  return loading
}

// After the catalogue page changed the catalogue: the pickers and names follow at once.
export function setAppealCategories(items) {
  refs.categories = Array.isArray(items) ? items : []
}

// The centre's settings (duplicate rules, ranking weights), for the texts that quote them;
// null until loaded or when refused.
const settings = reactive({ token: '', value: null })
let settingsLoading = null

export function loadAppealSettings() {
  if (settings.token === auth.token && settingsLoading) return settingsLoading
  settings.token = auth.token
  settingsLoading = api.appealSettings().then(
    (value) => (settings.value = value || null),
    () => {
      settingsLoading = null // asked again next time
      return (settings.value = null)
    },
  )
  return settingsLoading
}
export const appealSettings = computed(() => settings.value)

// After the settings page saved them: the texts that quote the settings follow at once.
export function setAppealSettings(value) {
  settings.token = auth.token
  settings.value = value || null
  settingsLoading = Promise.resolve(settings.value)
}

const byId = (list) => computed(() => new Map(list().map((x) => [x.id, x])))
const categoryMap = byId(() => refs.categories)
const departmentMap = byId(() => refs.departments)
const regionMap = byId(() => refs.regions)

// "城乡建设 / 道路破损" for a leaf of the catalogue.
export function categoryName(id) {
  if (id === null || id === undefined) return ''
  const names = []
  let node = categoryMap.value.get(id)
  if (!node) return `#${id}`
  for (let guard = 0; node && guard < 8; guard++) {
    names.unshift(node.name)
    node = node.parent_id !== null && node.parent_id !== undefined ? categoryMap.value.get(node.parent_id) : null
  }
  return names.join(' / ')
}

export function departmentName(id) {
  if (id === null || id === undefined) return ''
  return departmentMap.value.get(id)?.name || `#${id}`
}

export function regionName(id) {
  if (id === null || id === undefined) return ''
  return regionMap.value.get(id)?.name || `#${id}`
}

// The lead unit of a case: its department, or its town (and the village/grid it was handed to).
export function leadUnitName(c) {
  if (!c) return ''
  if (c.lead_department_id) return departmentName(c.lead_department_id)
  if (c.lead_region_id) {
    const town = regionName(c.lead_region_id)
    return c.sub_region_id ? `${town} / ${regionName(c.sub_region_id)}` : town
  }
  return ''
}

// A list item's names: the server's (`category_name`, `region_name`, `lead_unit_name`) when
// it sends them, else looked up from the reference lists by id.
export const rowCategoryName = (row) => row?.category_name || categoryName(row?.category_id)
export const rowRegionName = (row) => row?.region_name || regionName(row?.region_id)
export const rowLeadUnitName = (row) => row?.lead_unit_name || leadUnitName(row)

// The categories offered for new cases: active ones under active parents (switching a category
// off hides everything below it too).
export function activeCategories(list) {
  const byId = new Map(list.map((c) => [c.id, c]))
  const usable = (c) => {
    for (let node = c, guard = 0; node && guard < 16; guard++) {
      if (!node.active) return false
      node = node.parent_id !== null && node.parent_id !== undefined ? byId.get(node.parent_id) : null
    }
    return true
  }
  return list.filter(usable)
}

// Pickers. The catalogue offers active categories only.
export const categoryTree = computed(() => buildTree(activeCategories(refs.categories), 'code'))
// At intake only leaves can be chosen. A category whose children are all switched off is still
// no leaf to the server, so it is shown but cannot be chosen.
export const intakeCategoryTree = computed(() => {
  const parents = new Set(refs.categories.map((c) => c.parent_id).filter((id) => id !== null && id !== undefined))
  const tree = buildTree(activeCategories(refs.categories), 'code')
  const mark = (list) => {
    for (const node of list) {
      if (node.children) mark(node.children)
      else if (parents.has(node.id)) node.disabled = true
    }
  }
  mark(tree)
  return tree
})
export const departmentTree = computed(() => buildTree(refs.departments, 'sort'))
// Towns, villages and grids (the district itself is not a place a case happens in).
export const placeTree = computed(() => buildTree(refs.regions.filter((r) => r.level !== 'district'), 'code'))
export const towns = computed(() =>
  refs.regions.filter((r) => r.level === 'town').sort((a, b) => String(a.code).localeCompare(String(b.code))),
)

// Villages and grids under one town (for 二级派单), as a tree.
const regionTree = computed(() => buildTree(refs.regions, 'code'))
export function placesUnder(townId) {
  const find = (list) => {
    for (const node of list) {
      if (node.id === townId) return node
      const hit = node.children ? find(node.children) : null
      if (hit) return hit
    }
    return null
  }
  return find(regionTree.value)?.children || []
}

// --- labels ----------------------------------------------------------------------------

// kind: channel | type | urgency | state | action | result | satisfaction | warning | reason | sort
export function codeLabel(kind, code, fallback = '') {
  if (code === null || code === undefined || code === '') return ''
  const key = `appeal.${kind}.${code}`
  return i18n.global.te(key) ? i18n.global.t(key) : fallback || String(code)
}

export const kStates = ['registered', 'dispatched', 'handling', 'return_requested', 'replied', 'callback', 'closed', 'archived', 'merged']
export const kChannels = ['phone', 'website', 'wechat', 'app', 'letter', 'leader_mailbox', 'provincial', 'national', 'open311']
export const kTypes = ['consult', 'help', 'complaint', 'report', 'suggestion', 'praise', 'other']
export const kUrgencies = ['normal', 'urgent', 'critical']
export const kWarnings = ['green', 'yellow', 'red']
export const kSatisfactions = ['satisfied', 'basically_satisfied', 'dissatisfied']
// Orders the list accepts (`sort`); the first is the server's default.
export const kSorts = ['-created_at', 'created_at', 'handle_due_at', '-handle_due_at', 'number']

const kStateTag = {
  registered: 'info',
  dispatched: 'warning',
  handling: 'primary',
  return_requested: 'danger',
  replied: 'warning',
  callback: 'primary',
  closed: 'success',
  archived: 'info',
  merged: 'info',
}
export const stateTagType = (state) => kStateTag[state] || 'info'

const kWarningTag = { green: 'success', yellow: 'warning', red: 'danger' }
export const warningTagType = (w) => kWarningTag[w] || 'info'

const kUrgencyTag = { normal: 'info', urgent: 'warning', critical: 'danger' }
export const urgencyTagType = (u) => kUrgencyTag[u] || 'info'

// A case is on the clock between dispatch and reply; only then does its colour mean anything.
export const onTheClock = (c) => ['dispatched', 'handling', 'return_requested'].includes(c?.state)

// Buttons: moving a case forward is primary; sending it back or refusing is a warning.
const kActionButton = {
  dispatch: 'primary',
  sign: 'primary',
  subdispatch: 'primary',
  reply: 'primary',
  approve: 'success',
  callback: 'primary',
  close: 'primary',
  archive: 'primary',
  answer: 'primary',
  approve_return: 'success',
  approve_extension: 'success',
  request_return: 'warning',
  request_extension: 'warning',
  reject_return: 'danger',
  reject_extension: 'danger',
  send_back: 'danger',
  supervise: 'warning',
  remind: 'warning',
  merge: 'info',
}
export const actionButtonType = (a) => kActionButton[a] || 'default'
