// Format names and the dispatch to each reader and writer.
#include "dataengine/data.hpp"
#include "data/readers.hpp"

namespace dataengine {

const char * format_name(Format format) {
    switch (format) {
        case Format::Jsonl:     return "jsonl";
        case Format::MMBench:   return "mmbench";
        case Format::AOKVQA:    return "aokvqa";
        case Format::SeedBench: return "seed";
        case Format::Llava:     return "llava";
    }
    return "unknown";
}

Format parse_format(std::string_view name) {
    for (Format f : {Format::Jsonl, Format::MMBench, Format::AOKVQA, Format::SeedBench, Format::Llava})
        if (name == format_name(f)) return f;
    throw Error(Status::Invalid, "unknown format '" + std::string(name) + "' (expected jsonl, mmbench, aokvqa, seed or llava)");
}

namespace {

std::string directory_of(const std::string & path) {
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
}

}  // namespace

namespace {

Dataset parse_input(Input input, Format format, const std::string & source, const ReadOptions & options,
                    ReadReport * report) {
    ReadReport local;
    ReadReport & r = report ? *report : local;
    r = ReadReport{};
    RecordErrors errors(source, options, r);
    Dataset dataset(options.image_root);
    switch (format) {
        case Format::Jsonl:     read_jsonl(input, errors, dataset); break;
        case Format::MMBench:   read_mmbench(input, errors, dataset); break;
        case Format::AOKVQA:    read_aokvqa(input, errors, dataset); break;
        case Format::SeedBench: read_seed_bench(input, errors, dataset); break;
        case Format::Llava:     read_llava(input, errors, dataset); break;
    }
    return dataset;
}

}  // namespace

Dataset parse_dataset(std::string_view content, Format format, const std::string & source,
                      const ReadOptions & options, ReadReport * report) {
    return parse_input({content, false}, format, source, options, report);
}

Dataset read_dataset(const std::string & path, Format format, const ReadOptions & options, ReadReport * report) {
    ReadOptions resolved = options;
    if (resolved.image_root.empty()) resolved.image_root = directory_of(path);
    const MappedFile file(path);
    return parse_input({file.view(), true}, format, path, resolved, report);
}

std::string serialize_dataset(const Dataset & dataset, Format format, const WriteOptions & options) {
    switch (format) {
        case Format::Jsonl:     return write_jsonl(dataset);
        case Format::MMBench:   return write_mmbench(dataset);
        case Format::AOKVQA:    return write_aokvqa(dataset);
        case Format::SeedBench: return write_seed_bench(dataset);
        case Format::Llava:     return write_llava(dataset, options.llava_style);
    }
    throw Error(Status::Invalid, "serialize_dataset: unknown format");
}

void write_dataset(const Dataset & dataset, const std::string & path, Format format, const WriteOptions & options) {
    write_file_atomic(path, serialize_dataset(dataset, format, options));
}

}  // namespace dataengine
