// Attachments of a case as the console handles them: the server's size limit checked before the
// bytes go (the server still reads the type from the bytes and says why it refuses a file, so
// its detail is what the user sees), sizes and type labels for the lists, and downloads, which
// need the bearer token and so go through fetch → blob.
import { reactive } from 'vue'
import { api, saveBlob } from '../../api.js'
import { i18n } from '../../i18n.js'

// The server's `[files] max_bytes` (GET /api/appeals/meta; the default until it has answered).
// The server refuses a larger body with 413 before reading it and closes the connection, which a
// browser may report as a network error instead of the 413: checking here first is what gives
// the user a clear message.
export const limits = reactive({ maxBytes: 20 * 1024 * 1024 })
let limitsLoaded = null
export function loadLimits() {
  limitsLoaded ||= api
    .appealsMeta()
    .then((meta) => {
      if (Number(meta?.max_attachment_bytes) > 0) limits.maxBytes = Number(meta.max_attachment_bytes)
    })
    .catch(() => {
      limitsLoaded = null
    })
  return limitsLoaded
}
// The views that import this module are signed-in pages: ask once, early, so hints are right.
loadLimits()
export const kMaxAttachmentsPerCase = 30
// Images up to this size are shown as thumbnails (fetched whole); larger ones get a type label.
export const kMaxThumbnailBytes = 5 * 1024 * 1024

const t = (key, params) => i18n.global.t(key, params)

// 74 → "0.1 KB", 1536 → "1.5 KB", 3 MiB → "3.0 MB".
export function formatSize(bytes) {
  const n = Number(bytes)
  if (!Number.isFinite(n) || n < 0) return ''
  if (n < 1024 * 1024) return `${Math.max(0.1, n / 1024).toFixed(1)} KB`
  return `${(n / (1024 * 1024)).toFixed(1)} MB`
}

export const maxSizeText = () => formatSize(limits.maxBytes).replace('.0 ', ' ')

export const isImage = (a) => /^image\//.test(String(a?.content_type || ''))

// image | pdf | word | excel | ppt | audio | video | file, from the type the server read.
export function fileKind(a) {
  const type = String(a?.content_type || '')
  if (type.startsWith('image/')) return 'image'
  if (type === 'application/pdf') return 'pdf'
  if (type.includes('wordprocessingml')) return 'word'
  if (type.includes('spreadsheetml')) return 'excel'
  if (type.includes('presentationml')) return 'ppt'
  if (type.startsWith('audio/')) return 'audio'
  if (type.startsWith('video/')) return 'video'
  return 'file'
}

// Why a file cannot be sent at all ('' when it may go): too large, or empty.
export function refuseBeforeUpload(file) {
  if (file.size > limits.maxBytes) return t('attachment.tooLarge', { size: formatSize(file.size), max: maxSizeText() })
  if (file.size === 0) return t('attachment.empty')
  return ''
}

// Uploads `files` to one case, one after another (each is a separate request, so one refused
// file does not stop the others). Answers {uploaded: [attachment], failed: [{name, reason}]}.
export async function uploadFiles(appealId, files, onEach = () => {}) {
  await loadLimits()
  const uploaded = []
  const failed = []
  for (const file of files) {
    const refused = refuseBeforeUpload(file)
    if (refused) {
      failed.push({ name: file.name, reason: refused })
      onEach()
      continue
    }
    try {
      uploaded.push(await api.uploadAppealAttachment(appealId, file))
    } catch (e) {
      // status 0: the connection broke (a proxy's own limit, or the network) — say so plainly.
      failed.push({ name: file.name, reason: e.status === 0 ? t('attachment.broken') : e.detail || e.message })
    }
    onEach()
  }
  return { uploaded, failed }
}

// The file's bytes, fetched with the bearer token.
export async function attachmentBlob(appealId, attachment) {
  const { blob } = await api.appealAttachment(appealId, attachment.id, attachment.name)
  return blob
}

export async function downloadAttachment(appealId, attachment) {
  const { blob, name } = await api.appealAttachment(appealId, attachment.id, attachment.name)
  saveBlob(blob, name || attachment.name)
}
