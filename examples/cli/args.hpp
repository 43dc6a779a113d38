// A small argument reader for the subcommands: --flag, --key value, --key value... and positionals.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace cli {

class Args {
public:
    // `multi` names options that take every following non-option word ("--predictions a b c").
    // `flags` names options without a value. Throws std::invalid_argument on a stray option.
    Args(int argc, char ** argv, const std::vector<std::string> & flags, const std::vector<std::string> & multi,
         const std::vector<std::string> & valued);
    bool                             has(const std::string & name) const;
    std::string                      get(const std::string & name, const std::string & fallback = "") const;
    std::string                      require(const std::string & name) const;
    const std::vector<std::string> & all(const std::string & name) const;
    const std::vector<std::string> & positional() const { return positional_; }
private:
    std::map<std::string, std::vector<std::string>> values_;
    std::vector<std::string>                         positional_;
};

}  // namespace cli
