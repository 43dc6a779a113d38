// dataengine convert: read a dataset in one format, write it in another.
#include <cstdio>

#include "args.hpp"
#include "commands.hpp"
#include "dataengine/data.hpp"

namespace cli {

namespace {

constexpr const char * kHelp =
    "usage: dataengine convert --from FORMAT --to FORMAT IN OUT [--lenient] [--image-root DIR]\n"
    "                          [--llava-style qm-a|qm-ae]\n"
    "\n"
    "Formats: jsonl (native, lossless), mmbench (TSV), aokvqa, seed, llava.\n"
    "--lenient skips bad records and prints how many were skipped and why.\n";

}  // namespace

int run_convert(int argc, char ** argv) {
    for (int i = 0; i < argc; ++i)
        if (std::string(argv[i]) == "--help") {
            std::fputs(kHelp, stdout);
            return 0;
        }
    const Args args(argc, argv, {"lenient"}, {}, {"from", "to", "image-root", "llava-style"});
    if (args.positional().size() != 2) throw std::invalid_argument("expected IN and OUT");
    const dataengine::Format from = dataengine::parse_format(args.require("from"));
    const dataengine::Format to   = dataengine::parse_format(args.require("to"));
    dataengine::ReadOptions  read;
    read.strict     = !args.has("lenient");
    read.image_root = args.get("image-root");
    dataengine::WriteOptions write;
    const std::string style = args.get("llava-style", "qm-a");
    if (style != "qm-a" && style != "qm-ae") throw std::invalid_argument("--llava-style must be qm-a or qm-ae");
    write.llava_style = style == "qm-ae" ? dataengine::LlavaStyle::QmAE : dataengine::LlavaStyle::QmA;

    dataengine::ReadReport report;
    const dataengine::Dataset dataset = dataengine::read_dataset(args.positional()[0], from, read, &report);
    dataengine::write_dataset(dataset, args.positional()[1], to, write);
    std::fprintf(stderr, "converted %zu of %zu records from %s to %s\n", report.accepted, report.records,
                 dataengine::format_name(from), dataengine::format_name(to));
    for (const auto & [reason, count] : report.skipped_by_reason) std::fprintf(stderr, "  skipped %zu: %s\n", count, reason.c_str());
    return 0;
}

}  // namespace cli
