// Attachments of a case: who may attach, the checks a file passes, and reading it back.
#include "appeals/service.h"

#include "platform/error.h"
#include "platform/runtime.h"

namespace ecity::appeals {

using platform::Principal;
using platform::Tx;

Attachment AppealService::attach(const Principal& who, const platform::Actor& actor, std::int64_t appeal_id,
                                 const std::string& name, const std::string& declared_type, std::string_view bytes) {
  if (!who.can("appeals:intake") && !who.can("appeals:dispatch") && !who.can("appeals:handle"))
    throw Error::forbidden("无权上传附件", "you may not attach files");
  Attachment att;
  att.appeal_id = appeal_id;
  att.name = platform::checked_file_name(name);
  platform::check_file_size(bytes.size(), rt_.config.files.max_bytes);
  att.content_type = platform::check_file(bytes, att.name, declared_type).mime;
  att.size = static_cast<std::int64_t>(bytes.size());
  // Who may attach is decided before the bytes are written, so a refused upload leaves nothing.
  rt_.db.read([&](soci::session& sql) {
    if (!visible(sql, who, appeal_id)) throw Error::not_found("诉求不存在", "no such appeal");
    const auto a = *load_appeal(sql, appeal_id);
    const auto role = role_of(sql, who, a);
    if (!role.intake && !role.dispatch && !role.unit)
      throw Error::forbidden("只有受理中心和承办单位可以上传附件",
                             "only the centre and the units handling it may attach");
    if (a.state == State::kArchived || a.state == State::kMerged)
      throw Error::conflict("appeal-closed", "诉求已归档或并单，不能再上传附件", "the appeal is archived or merged");
  });
  att.sha256 = rt_.files.put(bytes);
  att.uploaded_by = who.user_id > 0 ? std::optional(who.user_id) : std::nullopt;
  att.uploaded_by_name = who.name;
  att.uploaded_at = platform::now_ms();
  rt_.db.write([&](Tx& tx) {
    if (count_attachments(tx.sql, appeal_id) >= kMaxAttachments)
      throw Error::conflict("too-many-attachments", "每件诉求最多 " + std::to_string(kMaxAttachments) + " 个附件",
                            "at most " + std::to_string(kMaxAttachments) + " attachments per appeal");
    att.id = insert_attachment(tx.sql, att);
    platform::audit_operation(tx, actor, "appeal_attachment", std::to_string(att.id), "create", nullptr,
                              {{"appeal_id", appeal_id},
                               {"name", att.name},
                               {"content_type", att.content_type},
                               {"size", att.size},
                               {"sha256", att.sha256}});
    rt_.bus.publish(tx, "appeals.case.attachment", {{"id", appeal_id}, {"attachment_id", att.id}});
  });
  return att;
}

std::pair<Attachment, std::string> AppealService::attachment_file(const Principal& who, std::int64_t appeal_id,
                                                                  std::int64_t attachment_id) {
  if (!who.can("appeals:read")) throw Error::forbidden("无权查看诉求", "you may not read appeals");
  auto att = rt_.db.read([&](soci::session& sql) -> std::optional<Attachment> {
    if (!visible(sql, who, appeal_id)) return std::nullopt;
    for (auto& a : load_attachments(sql, appeal_id))
      if (a.id == attachment_id) return a;
    return std::nullopt;
  });
  if (!att) throw Error::not_found("附件不存在", "no such attachment");
  return {*att, rt_.files.get(att->sha256)};
}

}  // namespace ecity::appeals
