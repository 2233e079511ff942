// The one door to the ecity HTTP API. Every call carries the bearer token and the console's
// language; an RFC 7807 problem comes back as an ApiError whose `detail` is already in
// that language. A 401 from any call except login ends the session and returns to login.
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
    // field → message, for showing server validation next to the form item. The server
    // may send `message_en` beside `message`; pick the one matching the console's language.
    this.fieldErrors = {}
    const english = currentLocale() === 'en'
    for (const e of Array.isArray(problem?.errors) ? problem.errors : []) {
      if (e && e.field) this.fieldErrors[e.field] = (english && e.message_en) || e.message || ''
    }
  }
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

function headers(extra) {
  const h = { Accept: 'application/json', 'Accept-Language': currentLocale(), ...extra }
  if (auth.token) h.Authorization = `Bearer ${auth.token}`
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

async function send(method, path, { query, body, skipAuthRedirect = false } = {}) {
  const init = { method, headers: headers(body !== undefined ? { 'Content-Type': 'application/json' } : {}) }
  if (body !== undefined) init.body = JSON.stringify(body)
  let response
  try {
    response = await fetch(buildUrl(path, query), init)
  } catch {
    throw new ApiError(0, { detail: i18n.global.t('common.networkError') })
  }
  // Only the first 401 of a burst (the token is cleared by it) sends the user to login.
  if (response.status === 401 && !skipAuthRedirect && auth.token) {
    clearSession()
    const problem = await readProblem(response.clone())
    unauthorizedHandler(problem?.detail || '')
  }
  return response
}

export async function request(method, path, options = {}) {
  const response = await send(method, path, options)
  if (!response.ok) throw new ApiError(response.status, await readProblem(response))
  if (response.status === 204) return null
  const text = await response.text()
  return text ? JSON.parse(text) : null
}

export const get = (path, query) => request('GET', path, { query })
export const post = (path, body) => request('POST', path, { body })
export const put = (path, body) => request('PUT', path, { body })
export const del = (path) => request('DELETE', path)

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

// Fetches a file with the bearer token (a plain link could not carry it) and hands it to the
// browser through a temporary blob URL.
export async function download(path, query, fallbackName) {
  const response = await send('GET', path, { query })
  if (!response.ok) throw new ApiError(response.status, await readProblem(response))
  const blob = await response.blob()
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filenameFrom(response, fallbackName)
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
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
  appealDispatchSuggestion: (id) => get(`/api/appeals/${encodeURIComponent(id)}/dispatch-suggestion`),
  appealStats: (query) => get('/api/appeals/stats', query),
  exportAppealStats: (format, query) => download('/api/appeals/stats', { ...query, format }, `appeal-stats.${format}`),
  appealRanking: (query) => get('/api/appeals/ranking', query),
  exportAppealRanking: (format, query) =>
    download('/api/appeals/ranking', { ...query, format }, `appeal-ranking.${format}`),
  appealHotspots: (query) => get('/api/appeals/hotspots', query),
  exportAppealHotspots: (format, query) =>
    download('/api/appeals/hotspots', { ...query, format }, `appeal-hotspots.${format}`),
}
