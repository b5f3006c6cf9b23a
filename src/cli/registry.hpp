// Commands register themselves: a command is one file under cli/commands/ that defines a
// static CommandRegistration. Adding a command touches no other file.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace slipway::cli {

struct GlobalOptions;

// `setup` adds the subcommand to `app` and sets its callback. `order` sorts --help.
using CommandSetup = std::function<void(CLI::App& app, GlobalOptions& globals)>;

struct CommandRegistration {
  CommandRegistration(int order, CommandSetup setup);
};

struct RegisteredCommand {
  int order;
  CommandSetup setup;
};
std::vector<RegisteredCommand>& registered_commands();

}  // namespace slipway::cli
