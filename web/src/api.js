// The one door to the ecity HTTP API. Every call carries the bearer token (except the
// citizens' public calls, which carry none) and the console's language; an RFC 7807 problem
// comes back as an ApiError whose `detail` is already in that language (and `retryAfter`
// when the server said how long to wait). A 401 from any call except login ends the
// session and returns to login.
import { auth, clearSession } from './auth.js'
import { currentLocale, i18n } from './i18n.js'

export class ApiError extends Error {
  constructor(status, problem) {
    const detail = problem?.detail || problem?.title || i18n.global.t('common.requestFailed', { status })
    super(detail)
    this.name = 'ApiError'
    this.status = status
    this.slug = typeof problem?.type === 'string' ? problem.type.replace(/^urn:ecity:problem:/, '') : ''
    this.detail = detail
    this.problem = problem || null
    // Seconds to wait before trying again (429, 503: the Retry-After header); null when not said.
    this.retryAfter = null
    // field → message, for showing server validation next to the form item. The server
    // may send `message_en` beside `message`; pick the one matching the console's language.
    this.fieldErrors = {}
    const english = currentLocale() === 'en'
    for (const e of Array.isArray(problem?.errors) ? problem.errors : []) {
      if (e && e.field) this.fieldErrors[e.field] = (english && e.message_en) || e.message || ''
    }
  }
}

// The warnings[] a write may answer with ({code, message} and the English as message_en or en)
// in the console's language.
export function warningTexts(res) {
  const english = currentLocale() === 'en'
  return (Array.isArray(res?.warnings) ? res.warnings : []).map((w) => (english && (w.message_en || w.en)) || w.message || w.code).filter(Boolean)
}

let unauthorizedHandler = () => {}

// main.js installs the handler (it owns the router); kept out of here to avoid an import cycle.
export function onUnauthorized(handler) {
  unauthorizedHandler = handler
}

function buildUrl(path, query) {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query || {})) {
    if (value === undefined || value === null || value === '') continue
    params.append(key, String(value))
  }
  const qs = params.toString()
  return qs ? `${path}?${qs}` : path
}

function headers(extra, anonymous = false) {
  const h = { Accept: 'application/json', 'Accept-Language': currentLocale(), ...extra }
  if (auth.token && !anonymous) h.Authorization = `Bearer ${auth.token}`
  return h
}

async function readProblem(response) {
  const text = await response.text().catch(() => '')
  if (!text) return null
  try {
    return JSON.parse(text)
  } catch {
    return { detail: text.slice(0, 200) }
  }
}

// `anonymous`: the citizens' pages, which never carry a token (a stale one must not turn a
// public call into a 401 and a trip to the login page).
// `raw`: a File or Blob sent as the body itself (not JSON), with `contentType` as its type.
async function send(method, path, { query, body, raw, contentType, skipAuthRedirect = false, anonymous = false } = {}) {
  let type = {}
  if (raw !== undefined) type = { 'Content-Type': contentType || 'application/octet-stream' }
  else if (body !== undefined) type = { 'Content-Type': 'application/json' }
  const init = { method, headers: headers(type, anonymous) }
  if (raw !== undefined) init.body = raw
  else if (body !== undefined) init.body = JSON.stringify(body)
  let response
  try {
    response = await fetch(buildUrl(path, query), init)
  } catch {
    throw new ApiError(0, { detail: i18n.global.t('common.networkError') })
  }
  // Only the first 401 of a burst (the token is cleared by it) sends the user to login.
  if (response.status === 401 && !skipAuthRedirect && !anonymous && auth.token) {
    clearSession()
    const problem = await readProblem(response.clone())
    unauthorizedHandler(problem?.detail || '')
  }
  return response
}

// Retry-After as seconds: either a number of seconds or an HTTP date; null when absent or unreadable.
function retryAfterSeconds(response) {
  const value = (response.headers.get('Retry-After') || '').trim()
  if (!value) return null
  if (/^\d+$/.test(value)) return Number(value)
  const at = Date.parse(value)
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - Date.now()) / 1000)) : null
}

async function failure(response) {
  const error = new ApiError(response.status, await readProblem(response))
  error.retryAfter = retryAfterSeconds(response)
  return error
}

export async function request(method, path, options = {}) {
  const response = await send(method, path, options)
  if (!response.ok) throw await failure(response)
  if (response.status === 204) return null
  const text = await response.text()
  return text ? JSON.parse(text) : null
}

export const get = (path, query) => request('GET', path, { query })
export const post = (path, body) => request('POST', path, { body })
export const put = (path, body) => request('PUT', path, { body })
export const del = (path) => request('DELETE', path)

// The server names every download as `filename="ascii"; filename*=UTF-8''…` (RFC 6266): the
// UTF-8 name when it is there and readable, else the plain one, else `fallback`.
function filenameFrom(response, fallback) {
  const cd = response.headers.get('Content-Disposition') || ''
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(cd)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      // malformed; try the plain form
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(cd)
  return plain ? plain[1].trim() : fallback
}

// Fetches a file with the bearer token (a plain link could not carry it): its bytes as a Blob
// and the name the server gave it (Content-Disposition), else `fallbackName`.
export async function fetchFile(path, query, fallbackName = '') {
  const response = await send('GET', path, { query })
  if (!response.ok) throw await failure(response)
  return { blob: await response.blob(), name: filenameFrom(response, fallbackName) }
}

// Hands a Blob to the browser as a download through a temporary blob URL.
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

// Fetches a file with the bearer token and hands it to the browser.
export async function download(path, query, fallbackName) {
  const { blob, name } = await fetchFile(path, query, fallbackName)
  saveBlob(blob, name)
}

// --- endpoints -------------------------------------------------------------------------

export const api = {
  login: (username, password) =>
    send('POST', '/api/auth/login', { body: { username, password }, skipAuthRedirect: true }).then(
      async (r) => {
        if (!r.ok) throw new ApiError(r.status, await readProblem(r))
        return r.json()
      },
    ),
  logout: () => request('POST', '/api/auth/logout', { skipAuthRedirect: true }),
  me: () => get('/api/auth/me'),
  sessions: () => get('/api/auth/sessions'),
  revokeSession: (id) => del(`/api/auth/sessions/${encodeURIComponent(id)}`),

  regions: () => get('/api/org/regions'),
  region: (id) => get(`/api/org/regions/${encodeURIComponent(id)}`),
  locate: (lng, lat) => get('/api/org/locate', { lng, lat }),
  // The regions of one level as a GeoJSON FeatureCollection (properties: id, name, level, parent_id).
  orgMap: (level) => get('/api/org/map', { level }),

  departments: () => get('/api/org/departments'),
  createDepartment: (body) => post('/api/org/departments', body),
  updateDepartment: (id, body) => put(`/api/org/departments/${encodeURIComponent(id)}`, body),
  deleteDepartment: (id) => del(`/api/org/departments/${encodeURIComponent(id)}`),

  users: (query) => get('/api/users', query),
  user: (id) => get(`/api/users/${encodeURIComponent(id)}`),
  createUser: (body) => post('/api/users', body),
  updateUser: (id, body) => put(`/api/users/${encodeURIComponent(id)}`, body),
  setPassword: (id, password) => post(`/api/users/${encodeURIComponent(id)}/password`, { password }),
  lockUser: (id) => post(`/api/users/${encodeURIComponent(id)}/lock`),
  unlockUser: (id) => post(`/api/users/${encodeURIComponent(id)}/unlock`),

  roles: () => get('/api/roles'),
  createRole: (body) => post('/api/roles', body),
  updateRole: (id, body) => put(`/api/roles/${encodeURIComponent(id)}`, body),
  deleteRole: (id) => del(`/api/roles/${encodeURIComponent(id)}`),
  permissions: () => get('/api/permissions'),

  operations: (query) => get('/api/audit/operations', query),
  exportOperations: (format, query) =>
    download('/api/audit/operations/export', { ...query, format }, `operations.${format}`),
  logins: (query) => get('/api/audit/logins', query),
  exportLogins: (format, query) => download('/api/audit/logins/export', { ...query, format }, `logins.${format}`),

  appealsMeta: () => get('/api/appeals/meta'),
  appealCategories: () => get('/api/appeals/categories'),
  appeals: (query) => get('/api/appeals', query),
  appeal: (id) => get(`/api/appeals/${encodeURIComponent(id)}`),
  createAppeal: (body) => post('/api/appeals', body),
  appealAction: (id, action, body) =>
    post(`/api/appeals/${encodeURIComponent(id)}/actions/${encodeURIComponent(action)}`, body || {}),
  appealSettings: () => get('/api/appeals/settings'),
  appealDuplicates: (query) => get('/api/appeals/duplicates', query),
  // A file goes as the raw body (not multipart), its name in the query, its type as Content-Type;
  // the server reads the type from the bytes and refuses a name or type that disagrees (400).
  uploadAppealAttachment: (id, file) =>
    request('POST', `/api/appeals/${encodeURIComponent(id)}/attachments?name=${encodeURIComponent(file.name)}`, {
      raw: file,
      contentType: file.type || 'application/octet-stream',
    }),
  appealAttachment: (id, attachmentId, fallbackName) =>
    fetchFile(`/api/appeals/${encodeURIComponent(id)}/attachments/${encodeURIComponent(attachmentId)}`, null, fallbackName),
  appealDispatchSuggestion: (id) => get(`/api/appeals/${encodeURIComponent(id)}/dispatch-suggestion`),
  appealStats: (query) => get('/api/appeals/stats', query),
  exportAppealStats: (format, query) => download('/api/appeals/stats', { ...query, format }, `appeal-stats.${format}`),
  appealRanking: (query) => get('/api/appeals/ranking', query),
  exportAppealRanking: (format, query) =>
    download('/api/appeals/ranking', { ...query, format }, `appeal-ranking.${format}`),
  appealHotspots: (query) => get('/api/appeals/hotspots', query),
  exportAppealHotspots: (format, query) =>
    download('/api/appeals/hotspots', { ...query, format }, `appeal-hotspots.${format}`),
  updateAppealSettings: (body) => put('/api/appeals/settings', body),
  dispatchRules: () => get('/api/appeals/dispatch-rules'),
  // One rule per (category_id, region_id): a second PUT of the same pair replaces the first.
  putDispatchRule: (body) => put('/api/appeals/dispatch-rules', body),
  deleteDispatchRule: (id) => del(`/api/appeals/dispatch-rules/${encodeURIComponent(id)}`),
  // The catalogue (appeals:config): add {parent_id (null: top level), code, name}; update {name?, active?}.
  createAppealCategory: (body) => post('/api/appeals/categories', body),
  updateAppealCategory: (id, body) => put(`/api/appeals/categories/${encodeURIComponent(id)}`, body),
  // Time limits of a category (null: the district default), each own or inherited; all three
  // answer {category_id, items: [{urgency, sign_minutes, handle_days, own, source_category_id}]}.
  appealSla: (categoryId) => get('/api/appeals/sla', { category_id: categoryId }),
  putAppealSla: (body) => put('/api/appeals/sla', body),
  clearAppealSla: (categoryId, urgency) =>
    request('DELETE', '/api/appeals/sla', { query: { category_id: categoryId, urgency } }),
  setAutoDispatch: (categoryId, enabled) =>
    put(`/api/appeals/categories/${encodeURIComponent(categoryId)}/auto-dispatch`, { enabled }),
  open311Clients: () => get('/api/appeals/open311-clients'),
  // The answer carries `api_key`, the only time the server ever sends it.
  createOpen311Client: (body) => post('/api/appeals/open311-clients', body),
  deactivateOpen311Client: (id) => del(`/api/appeals/open311-clients/${encodeURIComponent(id)}`),

  // 生态环境. Stations (environment:read lists those in the user's scope; environment:config
  // registers and changes them, PUT with the version read: 409 when it changed meanwhile).
  envStations: () => get('/api/environment/stations'),
  envStation: (id) => get(`/api/environment/stations/${encodeURIComponent(id)}`),
  createEnvStation: (body) => post('/api/environment/stations', body),
  updateEnvStation: (id, body) => put(`/api/environment/stations/${encodeURIComponent(id)}`, body),
  // {cn, from, to}: epoch ms; values come as exact decimal text with their flags.
  envReadings: (id, query) => get(`/api/environment/stations/${encodeURIComponent(id)}/readings`, query),
  // {from, to: YYYY-MM-DD, station? | town?, standard?}: 366 days at most.
  airDaily: (query) => get('/api/environment/air/daily', query),
  airEvaluation: (query) => get('/api/environment/air/evaluation', query),
  // Every station in scope with its latest hourly AQI (data of the last 7 days only).
  airLatest: () => get('/api/environment/air/latest'),
  envQuality: (query) => get('/api/environment/quality', query),
  envRejections: (query) => get('/api/environment/rejections', query),
  // Surface-water sections (GB 3838): the 21 indicators with their class-III limits; the sections
  // with their class over {from, to} (YYYY-MM-DD) and per month; one section with its samples.
  waterIndicators: () => get('/api/environment/water/indicators'),
  waterSections: (query) => get('/api/environment/water/sections', query),
  waterSection: (id, query) => get(`/api/environment/water/sections/${encodeURIComponent(id)}`, query),
  createWaterSection: (body) => post('/api/environment/water/sections', body),
  updateWaterSection: (id, body) => put(`/api/environment/water/sections/${encodeURIComponent(id)}`, body),
  // {sampled_on, values: {code: decimal text}, note}: 409 when the section has a sample that day.
  createWaterSample: (sectionId, body) => post(`/api/environment/water/sections/${encodeURIComponent(sectionId)}/samples`, body),
  // A correction: {values (all of them), note, version}; 409 when it changed meanwhile.
  updateWaterSample: (id, body) => put(`/api/environment/water/samples/${encodeURIComponent(id)}`, body),
  // A CSV file (section,date,<indicator codes>…) as the body; all or nothing → {lines, added, unchanged}.
  importWater: (file) => request('POST', '/api/environment/water/import', { raw: file, contentType: 'text/csv' }),

  // Key projects (重点项目调度). Amounts come as integer 元 (fields ending _yuan) and go as 万元
  // decimal text (fields ending _wan). Changes carry the version read (409 when stale).
  projects: (query) => get('/api/projects', query),
  project: (id) => get(`/api/projects/${encodeURIComponent(id)}`),
  createProject: (body) => post('/api/projects', body),
  updateProject: (id, body) => put(`/api/projects/${encodeURIComponent(id)}`, body),
  projectIndustries: () => get('/api/projects/industries'),
  // A year's plan with its milestones (version 0: none yet); setting it replaces the unreached milestones.
  projectPlan: (id, year) => get(`/api/projects/${encodeURIComponent(id)}/plans/${encodeURIComponent(year)}`),
  setProjectPlan: (id, year, body) => put(`/api/projects/${encodeURIComponent(id)}/plans/${encodeURIComponent(year)}`, body),
  reachMilestone: (id, date) => post(`/api/projects/milestones/${encodeURIComponent(id)}/reach`, { date }),
  // The year up to `month`: monthly accepted amounts, the cumulative against the plan line, completion.
  projectYear: (id, year, month) => get(`/api/projects/${encodeURIComponent(id)}/year/${encodeURIComponent(year)}`, { month }),
  projectColours: (id, year) => get(`/api/projects/${encodeURIComponent(id)}/colours`, { year }),
  // The lead unit's report {year, month, amount_wan, progress, problems, milestones}: 403 for another
  // unit, 400 for a future month, 409 (duplicate, locked) → {…report, warnings?}.
  submitProjectReport: (projectId, body) => post(`/api/projects/${encodeURIComponent(projectId)}/reports`, body),
  projectReports: (query) => get('/api/projects/reports', query),
  // One report with its history (each line with by_name), the milestones it named and its photos.
  projectReport: (id) => get(`/api/projects/reports/${encodeURIComponent(id)}`),
  // Site photos of a report (the lead unit, until the report is accepted; at most 12): the image's
  // bytes as the body, its name in the query, its type as Content-Type; the server reads the type
  // from the bytes and refuses anything but JPEG, PNG, GIF or WebP (400 file-type).
  uploadReportPhoto: (id, file) =>
    request('POST', `/api/projects/reports/${encodeURIComponent(id)}/photos`, {
      query: { name: file.name },
      raw: file,
      contentType: file.type || 'application/octet-stream',
    }),
  // The photo's bytes (fetched with the bearer token) → {blob, name}.
  reportPhoto: (id, photoId, fallbackName) =>
    fetchFile(`/api/projects/reports/${encodeURIComponent(id)}/photos/${encodeURIComponent(photoId)}`, null, fallbackName),
  deleteReportPhoto: (id, photoId) => del(`/api/projects/reports/${encodeURIComponent(id)}/photos/${encodeURIComponent(photoId)}`),
  resubmitProjectReport: (id, body) => put(`/api/projects/reports/${encodeURIComponent(id)}`, body),
  // The office: accept | return (note required) | correct (an accepted report; note required).
  reviewProjectReport: (id, action, body) => post(`/api/projects/reports/${encodeURIComponent(id)}/${encodeURIComponent(action)}`, body),
  reportTracking: (query) => get('/api/projects/reports/tracking', query),
  projectRuleTemplates: () => get('/api/projects/rule-templates'),
  projectRules: (year) => get(`/api/projects/rules/${encodeURIComponent(year)}`),
  // Replaces a year's rule set → {year, rule_set, evaluated: [summary per month evaluated again]}.
  setProjectRules: (year, body) => put(`/api/projects/rules/${encodeURIComponent(year)}`, body),
  // → {year, month, projects, green, yellow, red, changed, rule_set}.
  evaluateProjectColours: (year, month) => post('/api/projects/colours/evaluate', { year, month }),
  projectsOverview: (query) => get('/api/projects/overview', query),

  // Issue lists (问题清单): {project, status (open|resolved), level (1-3), overdue, kind, unit (the
  // responsible department)} → {summary: {open, overdue, resolved}, items}; one issue with its log
  // (each line with by_name) and the meeting decisions on it.
  projectIssues: (query) => get('/api/projects/issues', query),
  projectIssue: (id) => get(`/api/projects/issues/${encodeURIComponent(id)}`),
  // {title, description, kind, unit_id, raised_on, working_days}: the office or the lead unit.
  raiseProjectIssue: (projectId, body) => post(`/api/projects/${encodeURIComponent(projectId)}/issues`, body),
  // escalate {note} and reopen {note}: projects:manage; resolve {resolution}: the unit or the office.
  projectIssueAction: (id, action, body) => post(`/api/projects/issues/${encodeURIComponent(id)}/${encodeURIComponent(action)}`, body),
  // Joint meetings (联席会议), newest first, each with its decisions [{id, issue_id, issue_title (both
  // null for an issue outside the caller's scope), decision, unit_id, unit_name, due_on}]; recording
  // one takes {held_on, title, chair, attendees, minutes, decisions: [{issue_id, decision, unit_id,
  // due_on}]} (projects:manage) and answers the meeting with the number of decisions stored.
  projectMeetings: () => get('/api/projects/meetings'),
  recordProjectMeeting: (body) => post('/api/projects/meetings', body),
  // Investment attraction: the talent and contact database (phones masked without pii:read), the
  // leads ({stage, signed_year}), a lead moved on ({stage, on, project_id, amount_wan, version}) and
  // the funnel of a year.
  projectTalents: (query) => get('/api/projects/talents', query),
  addProjectTalent: (body) => post('/api/projects/talents', body),
  projectLeads: (query) => get('/api/projects/leads', query),
  addProjectLead: (body) => post('/api/projects/leads', body),
  advanceProjectLead: (id, body) => post(`/api/projects/leads/${encodeURIComponent(id)}/advance`, body),
  attractionFunnel: (year) => get('/api/projects/attraction/funnel', { year }),
  // The dispatch table (调度表) of a month as a file, and a filled one loaded back (CSV or XLSX as the
  // raw body; all or nothing; projects:review) → {rows, added, unchanged, skipped}.
  exportDispatch: (format, query) =>
    download('/api/projects/dispatch', { ...query, format }, `dispatch-${query.year}-${String(query.month).padStart(2, '0')}.${format}`),
  importDispatch: (query, file) =>
    request('POST', '/api/projects/dispatch/import', { query, raw: file, contentType: file.type || 'application/octet-stream' }),

  // 经济运行 (economy). The indicator catalogue (economy:manage adds one) and the areas a figure
  // belongs to (the district, its towns, the city's peers; can_enter: the caller may enter its
  // figures). Figures travel as decimal text in the indicator's unit, growth in percent.
  ecoIndicators: () => get('/api/economy/indicators'),
  createEcoIndicator: (body) => post('/api/economy/indicators', body),
  ecoAreas: () => get('/api/economy/areas'),
  // {indicator, area, year} → every stored period of that year.
  ecoValues: (query) => get('/api/economy/values', query),
  // {value?, growth?, unit, source, caliber?} → {item, changed, warnings} (economy:enter, the area's
  // scope; 403 outside it). A published growth that contradicts the totals is stored and flagged.
  setEcoValue: (indicator, area, period, body) =>
    put(`/api/economy/values/${encodeURIComponent(indicator)}/${encodeURIComponent(area)}/${encodeURIComponent(period)}`, body),
  ecoValueHistory: (indicator, area, period) =>
    get(`/api/economy/values/${encodeURIComponent(indicator)}/${encodeURIComponent(area)}/${encodeURIComponent(period)}/history`),
  // A CSV or XLSX file as the raw body; all or nothing → {rows, added, revised, unchanged, conflicts}.
  importEcoValues: (file) => request('POST', '/api/economy/import', { raw: file, contentType: file.type || 'application/octet-stream' }),
  ecoImportTemplate: (format) => download('/api/economy/import/template', { format }, `economy-import.${format}`),
  // {period: YYYY-MM, area?} → the growth and rank table; {indicator, period} → the peers' ranking.
  ecoTable: (query) => get('/api/economy/table', query),
  ecoRanking: (query) => get('/api/economy/ranking', query),
  ecoBulletin: (period) => get('/api/economy/bulletin', { period }),
  exportEcoBulletin: (period) => download('/api/economy/bulletin.xlsx', { period }, `economy-bulletin-${period}.xlsx`),

  // The citizens' page: no sign-in. A wrong number or query code is a 404; too many tries a 429
  // (ApiError.retryAfter says how long to wait).
  publicAppealMeta: () => request('GET', '/api/public/appeals/meta', { anonymous: true }),
  filePublicAppeal: (body) => request('POST', '/api/public/appeals', { body, anonymous: true }),
  publicAppeal: (number, code) =>
    request('GET', `/api/public/appeals/${encodeURIComponent(number)}`, { query: { code }, anonymous: true }),
}
