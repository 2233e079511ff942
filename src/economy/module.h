// The economy module (经济运行) as the platform sees it: permissions, roles and routes over the
// figures (values.h) and their tables and bulletin (tables.h). docs/economy.md has the rules and
// formulas.
#pragma once

#include "economy/tables.h"
#include "economy/values.h"

#include "platform/module.h"

#include <memory>

namespace ecity::economy {

class EconomyModule : public platform::Module {
 public:
  std::string name() const override { return "economy"; }
  std::vector<platform::PermissionInfo> permissions() const override;
  std::vector<platform::RoleGrant> role_grants() const override;
  void prepare(platform::Runtime& rt) override;
  void register_routes(platform::Runtime& rt) override;

  FigureService& figures() { return *figures_; }
  TableService& tables() { return *tables_; }

 private:
  std::unique_ptr<FigureService> figures_;
  std::unique_ptr<TableService> tables_;
};

}  // namespace ecity::economy
