#include "cli/registry.hpp"

namespace slipway::cli {

std::vector<RegisteredCommand>& registered_commands() {
  static std::vector<RegisteredCommand> commands;
  return commands;
}

CommandRegistration::CommandRegistration(int order, CommandSetup setup) {
  registered_commands().push_back({order, std::move(setup)});
}

}  // namespace slipway::cli
