// The subcommands of `dataengine`; each returns the process exit code.
#pragma once

namespace cli {
int run_eval(int argc, char ** argv);
int run_convert(int argc, char ** argv);
int run_world(int argc, char ** argv);
int run_pretrain(int argc, char ** argv);
int run_train(int argc, char ** argv);
int run_learnability(int argc, char ** argv);
int run_loop(int argc, char ** argv);
int run_ipo(int argc, char ** argv);
}  // namespace cli
