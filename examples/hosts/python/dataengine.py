"""dataengine from Python through ctypes: the C ABI of capi/dataengine.h, standard library only.

Handles are owned objects (freed when closed or collected); every failed call raises
DataEngineError with the library's own message, read in the same thread right after the call;
Python callbacks never let an exception cross into C: it is kept, the callback returns
non-zero (the call fails with DE_EABORTED), and the exception is raised again in Python.

Progress callbacks are progress(phase, done, total) and return a true value to stop (so a
function that only prints, returning None, lets the work go on); a host model's train gets
progress(done, total), true when the engine asks it to stop.

The library is found through $DATAENGINE_LIB, else the build tree next to this file, else the
system's linker path. ABI_VERSION must equal the loaded library's de_abi_version().
"""
import ctypes
import ctypes.util
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, byref, c_char, c_char_p, c_double, c_float, c_int, c_int32,
                    c_int64, c_size_t, c_uint8, c_uint64, c_void_p)

ABI_VERSION = 1  # DE_ABI_VERSION of the header these declarations were written from

OK, EINVALID, ENOMEM, EIO, EFORMAT, ENOTFOUND, ERANGE, EABORTED, EUNSUPPORTED, ELIMIT = 0, -1, -2, -3, -4, -5, -6, -7, -8, -9
FORMAT_JSONL = 0
SOURCE_QUESTIONS, SOURCE_CAPTIONS = 0, 1
BACKEND_WORLD = 2
PHASE_TRAIN, PHASE_EVALUATE, PHASE_PLAN, PHASE_GENERATE, PHASE_DONE = 0, 1, 2, 3, 4
PHASE_NAMES = ["train", "evaluate", "plan", "generate", "done"]


class DataEngineError(Exception):
    def __init__(self, status, message):
        super().__init__(f"{message} (status {status})")
        self.status = status


def _find_library():
    if os.environ.get("DATAENGINE_LIB"):
        return os.environ["DATAENGINE_LIB"]
    here = os.path.dirname(os.path.abspath(__file__))
    built = os.path.join(here, "..", "..", "..", "build", "lib", "libdataengine.so")
    if os.path.exists(built):
        return built
    found = ctypes.util.find_library("dataengine")
    if not found:
        raise DataEngineError(ENOTFOUND, "libdataengine.so not found: set DATAENGINE_LIB or build the project")
    return found


_lib = ctypes.CDLL(_find_library())
_lib.de_abi_version.restype = c_int32
_lib.de_version.restype = c_char_p
_lib.de_last_error.restype = c_char_p
if _lib.de_abi_version() != ABI_VERSION:
    raise DataEngineError(EINVALID, f"libdataengine ABI version {_lib.de_abi_version()} is not the {ABI_VERSION} "
                                    f"this module was written for: rebuild or update the module")


def version():
    return _lib.de_version().decode()


def _check(status, what):
    if status != OK:
        raise DataEngineError(status, f"{what}: {_lib.de_last_error().decode(errors='replace')}")


def _owned_string(pointer):
    """Copies a char * the library gave us, then frees it with de_string_free."""
    try:
        return ctypes.cast(pointer, c_char_p).value.decode()
    finally:
        _lib.de_string_free(pointer)


def _text(s):
    return None if s is None else s.encode()


# ---------------------------------------------------------------------------------------------
# Structs, as in the header (struct_size first; only ever grown at the end)

PROGRESS_FN = CFUNCTYPE(c_int, c_char_p, c_int64, c_int64, c_void_p)


class WorldOptions(Structure):
    _fields_ = [("struct_size", c_size_t), ("seed", c_uint64), ("image_size", c_int32), ("per_type", c_int32),
                ("pool_images", c_int32), ("caption_images", c_int32), ("circular", c_int32), ("seed_counts", c_char_p)]


class TrainOptions(Structure):
    _fields_ = [("struct_size", c_size_t), ("steps", c_int32), ("batch_size", c_int32), ("learning_rate", c_double),
                ("weight_decay", c_double), ("warmup_steps", c_int32), ("grad_clip", c_double), ("seed", c_uint64),
                ("threads", c_int32), ("with_rationale", c_int32), ("progress", PROGRESS_FN),
                ("progress_user_data", c_void_p), ("grounding_weight", c_double)]


class TrainSource(Structure):
    _fields_ = [("data", c_void_p), ("kind", c_int32), ("weight", c_double)]


class EvaluatorOptions(Structure):
    _fields_ = [("struct_size", c_size_t), ("circular", c_int32), ("benchmark", c_char_p)]


class Score(Structure):
    _fields_ = [("n", c_int64), ("correct", c_int64), ("accuracy", c_double)]


class SampleInfo(Structure):
    _fields_ = [("struct_size", c_size_t), ("id", c_char_p), ("question", c_char_p), ("hint", c_char_p),
                ("type", c_char_p), ("parent_type", c_char_p), ("option_count", c_size_t), ("answer", c_int32),
                ("image_kind", c_int32), ("image_path", c_char_p), ("circular_group", c_char_p), ("rotation", c_int32),
                ("direct_answer_count", c_size_t), ("rationale_count", c_size_t)]


SCORE_FN = CFUNCTYPE(c_int32, c_void_p, c_size_t, POINTER(c_uint8), c_int32, c_int32, POINTER(c_double), c_size_t,
                     c_void_p)
TRAIN_FN = CFUNCTYPE(c_int32, POINTER(TrainSource), c_size_t, POINTER(TrainOptions), POINTER(c_double), c_void_p)
EMBED_FN = CFUNCTYPE(c_int32, POINTER(c_uint8), c_int32, c_int32, POINTER(c_float), c_size_t, c_void_p)
SAVE_FN = CFUNCTYPE(c_int32, c_char_p, c_void_p)
RELEASE_FN = CFUNCTYPE(None, c_void_p)


class HostModelStruct(Structure):
    _fields_ = [("struct_size", c_size_t), ("user_data", c_void_p), ("score", SCORE_FN), ("train", TRAIN_FN),
                ("embed", EMBED_FN), ("embedding_dim", c_size_t), ("save", SAVE_FN), ("release", RELEASE_FN)]


class AbsOptions(Structure):
    _fields_ = [("struct_size", c_size_t), ("preset", c_char_p), ("budget", c_int32), ("seed", c_uint64),
                ("examples_per_query", c_int32), ("duplicate_similarity", c_double), ("top_k", c_int32),
                ("explore_every", c_int32), ("max_objects", c_int32), ("gains_json", c_char_p),
                ("example_ids", POINTER(c_char_p)), ("example_embeddings", POINTER(c_float)),
                ("example_count", c_size_t), ("embedding_dim", c_size_t), ("used_images", POINTER(c_char_p)),
                ("used_count", c_size_t), ("gamma", c_double), ("weight_floor", c_double), ("temperature", c_double),
                ("min_bad_cases", c_int32), ("prior_gain", c_double), ("gain_floor", c_double),
                ("gain_memory", c_double), ("shrink_gains", c_int32)]


class GenOptions(Structure):
    _fields_ = [("struct_size", c_size_t), ("backend", c_int32), ("llm", c_void_p), ("llm_user_data", c_void_p),
                ("command", c_char_p), ("timeout_seconds", c_double), ("world", c_void_p), ("mistake_rate", c_double),
                ("concurrency", c_int32), ("retries", c_int32), ("backoff_seconds", c_double),
                ("require_rationale", c_int32), ("round", c_int32), ("seed", c_uint64), ("id_prefix", c_char_p)]


class PlanQuery(Structure):
    _fields_ = [("type", c_char_p), ("image_id", c_char_p), ("example_count", c_size_t), ("reason", c_int32),
                ("similarity", c_double)]


class LoopOptions(Structure):
    _fields_ = [("struct_size", c_size_t), ("state_dir", c_char_p), ("world_dir", c_char_p), ("world_seed", c_uint64),
                ("strategy", c_char_p), ("rounds", c_int32), ("budget", c_int32), ("seed_steps", c_int32),
                ("round_steps", c_int32), ("seed", c_uint64), ("threads", c_int32), ("mistake_rate", c_double),
                ("stage1_steps", c_int32), ("model_dim", c_int32), ("world_scale_percent", c_int32), ("ipo", c_int32),
                ("ipo_batch", c_int32), ("ipo_rounds", c_int32), ("verify_answers", c_int32),
                ("seed_curve_gains", c_int32)]


def _init(struct_type, init_name):
    options = struct_type()
    _check(getattr(_lib, init_name)(byref(options), c_size_t(ctypes.sizeof(struct_type))), init_name)
    return options


def world_options():
    return _init(WorldOptions, "de_world_options_init")


def train_options():
    return _init(TrainOptions, "de_train_options_init")


def pretrain_options():
    """Stage 1's defaults, for Model.pretrained."""
    return _init(TrainOptions, "de_pretrain_options_init")


def abs_options():
    return _init(AbsOptions, "de_abs_options_init")


def gen_options():
    return _init(GenOptions, "de_gen_options_init")


def loop_options():
    return _init(LoopOptions, "de_loop_options_init")


class _Callbacks:
    """Keeps ctypes callbacks alive and holds the first exception a Python callback raised."""

    def __init__(self):
        self.keep = []
        self.error = None

    def guarded(self, fn, failure):
        def call(*args):
            try:
                return fn(*args)
            except BaseException as e:  # nothing crosses into C
                if self.error is None:
                    self.error = e
                return failure
        return call

    def reraise(self):
        if self.error is not None:
            error, self.error = self.error, None
            raise error


def _progress(callbacks, fn):
    if fn is None:
        return PROGRESS_FN()
    wrapped = PROGRESS_FN(callbacks.guarded(lambda phase, done, total, _: 1 if fn(phase.decode(), done, total) else 0, 1))
    callbacks.keep.append(wrapped)
    return wrapped


def _with_progress(call, progress, what, model=None):
    """Runs call(c_progress_fn) with `progress` as the C callback; what a Python callback raised
    (the progress one, or `model`'s host callbacks) is raised before the library's own error."""
    callbacks = _Callbacks()
    status = call(_progress(callbacks, progress))
    callbacks.reraise()
    if model is not None:
        model._call(status, what)
    _check(status, what)


class _Handle:
    _free = None

    def __init__(self, pointer):
        self._ptr = pointer

    @property
    def handle(self):
        if not self._ptr:
            raise DataEngineError(EINVALID, f"{type(self).__name__} already closed")
        return self._ptr

    def close(self):
        if self._ptr:
            getattr(_lib, self._free)(self._ptr)
            self._ptr = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---------------------------------------------------------------------------------------------
# Handles

class Dataset(_Handle):
    _free = "de_dataset_free"

    @classmethod
    def load(cls, path, fmt=FORMAT_JSONL):
        out = c_void_p()
        _check(_lib.de_dataset_load(_text(path), c_int32(fmt), None, byref(out)), f"loading {path}")
        return cls(out)

    def __len__(self):
        return _view_count(self.handle)

    def find(self, sample_id):
        index = c_size_t()
        _check(_lib.de_dataset_find(self.handle, _text(sample_id), byref(index)), f"finding '{sample_id}'")
        return index.value


def _view_sample(data, index):
    """A sample of a dataset handle lent to a callback: (info, [options])."""
    info = SampleInfo()
    info.struct_size = ctypes.sizeof(SampleInfo)
    _check(_lib.de_dataset_sample(data, c_size_t(index), byref(info)), "de_dataset_sample")
    options = []
    for k in range(info.option_count):
        text = c_char_p()
        _check(_lib.de_dataset_option(data, c_size_t(index), c_size_t(k), byref(text)), "de_dataset_option")
        options.append(text.value.decode())
    return info, options


def _view_count(data):
    n = c_size_t()
    _check(_lib.de_dataset_count(data, byref(n)), "de_dataset_count")
    return n.value


def _view_image(data, index):
    """(rgb bytes, width, height) of a sample of a dataset handle."""
    width, height = c_int32(), c_int32()
    _check(_lib.de_dataset_image_rgb(data, c_size_t(index), None, c_size_t(0), byref(width), byref(height)),
           "de_dataset_image_rgb")
    buffer = (c_uint8 * (width.value * height.value * 3))()
    _check(_lib.de_dataset_image_rgb(data, c_size_t(index), buffer, c_size_t(len(buffer)), byref(width),
                                     byref(height)), "de_dataset_image_rgb")
    return bytes(buffer), width.value, height.value


class Sample:
    """What a host model's callbacks see of one question."""

    def __init__(self, data, index):
        info, self.options = _view_sample(data, index)
        self.id = info.id.decode()
        self.question = info.question.decode()
        self.type = info.type.decode()
        self.answer = info.answer
        self._data, self._index = data, index

    def image(self):
        return _view_image(self._data, self._index)


class World(_Handle):
    _free = "de_world_free"

    def __init__(self, options=None):
        out = c_void_p()
        _check(_lib.de_world_create(byref(options) if options is not None else None, byref(out)), "de_world_create")
        super().__init__(out)

    def write(self, directory, progress=None):
        _with_progress(lambda fn: _lib.de_world_write(self.handle, _text(directory), fn, None), progress,
                       f"writing the world to {directory}")

    def pool(self, directory):
        out = c_void_p()
        _check(_lib.de_world_pool(self.handle, _text(directory), byref(out)), "de_world_pool")
        return Pool(out)


class Report(_Handle):
    _free = "de_report_free"

    def overall(self):
        score = Score()
        _check(_lib.de_report_overall(self.handle, byref(score)), "de_report_overall")
        return score.accuracy

    def by_type(self):
        """{type: accuracy} in the report's (sorted) order."""
        n = c_size_t()
        _check(_lib.de_report_type_count(self.handle, byref(n)), "de_report_type_count")
        out = {}
        for i in range(n.value):
            name, score = c_char_p(), Score()
            _check(_lib.de_report_type_name(self.handle, c_size_t(i), byref(name)), "de_report_type_name")
            _check(_lib.de_report_type_score(self.handle, name, byref(score)), "de_report_type_score")
            out[name.value.decode()] = score.accuracy
        return out

    def bad_cases(self, type_name):
        n = c_size_t()
        _check(_lib.de_report_bad_case_count(self.handle, _text(type_name), byref(n)), "de_report_bad_case_count")
        ids = []
        for i in range(n.value):
            text = c_char_p()
            _check(_lib.de_report_bad_case(self.handle, _text(type_name), c_size_t(i), byref(text)), "de_report_bad_case")
            ids.append(text.value.decode())
        return ids


def figures_line(round_number, report):
    """The per-round line `dataengine loop` and every host example print."""
    parts = "".join(f" {name} {100 * acc:.1f} |" for name, acc in report.by_type().items())
    return f"round {round_number} test:{parts} overall {100 * report.overall():.1f}"


class Model(_Handle):
    _free = "de_model_free"

    @classmethod
    def pretrained(cls, world_dir, options=None):
        out = c_void_p()
        _check(_lib.de_model_pretrained(_text(world_dir), byref(options) if options else None, byref(out)),
               "de_model_pretrained")
        return cls(out)

    @classmethod
    def from_host(cls, host):
        """A model the host built: `host` has score(sample, rgb, w, h) -> [float],
        train(sources: [(Dataset view, kind, weight)], options, progress) -> loss,
        embed(rgb, w, h) -> [float] and embedding_dim."""
        callbacks = _Callbacks()

        def score(data, index, rgb, width, height, out, count, _):
            sample = Sample(data, index)
            pixels = bytes(ctypes.cast(rgb, POINTER(c_uint8 * (width * height * 3))).contents) if rgb else b""
            values = host.score(sample, pixels, width, height)
            if len(values) != count:
                raise ValueError(f"score returned {len(values)} values for {count} options")
            for k, v in enumerate(values):
                out[k] = float(v)
            return 0

        def train(sources, count, options, out_loss, _):
            mix = [(SourceView(sources[i].data), sources[i].kind, sources[i].weight) for i in range(count)]
            o = options.contents

            def progress(done, total):
                return bool(o.progress) and o.progress(b"train", done, total, o.progress_user_data) != 0

            loss = host.train(mix, o, progress)
            if loss is not None:
                out_loss[0] = float(loss)
            return 0

        def embed(rgb, width, height, out, dim, _):
            pixels = bytes(ctypes.cast(rgb, POINTER(c_uint8 * (width * height * 3))).contents)
            values = host.embed(pixels, width, height)
            for k in range(dim):
                out[k] = float(values[k])
            return 0

        struct = _init(HostModelStruct, "de_host_model_init")
        struct.score = SCORE_FN(callbacks.guarded(score, 1))
        struct.train = TRAIN_FN(callbacks.guarded(train, 1))
        struct.embed = EMBED_FN(callbacks.guarded(embed, 1))
        struct.embedding_dim = host.embedding_dim
        callbacks.keep += [struct.score, struct.train, struct.embed]
        out = c_void_p()
        _check(_lib.de_model_from_host(byref(struct), byref(out)), "de_model_from_host")
        model = cls(out)
        model._callbacks = callbacks  # the C side holds pointers to these
        return model

    def _call(self, status, what):
        callbacks = getattr(self, "_callbacks", None)
        if callbacks is not None:
            callbacks.reraise()
        _check(status, what)

    def train(self, sources, options=None, progress=None):
        """sources: [(Dataset, kind, weight)]. Returns the final loss."""
        callbacks = _Callbacks()
        options = options or train_options()
        options.progress = _progress(callbacks, progress)
        array = (TrainSource * len(sources))(*[TrainSource(d.handle, k, w) for d, k, w in sources])
        loss = c_double()
        status = _lib.de_model_train(self.handle, array, c_size_t(len(sources)), byref(options), byref(loss))
        callbacks.reraise()
        self._call(status, "de_model_train")
        return loss.value

    def evaluate(self, benchmark, circular=True, name="test"):
        options = _init(EvaluatorOptions, "de_evaluator_options_init")
        options.circular = 1 if circular else 0
        options.benchmark = _text(name)
        out = c_void_p()
        self._call(_lib.de_model_evaluate(self.handle, benchmark.handle, byref(options), byref(out)), "de_model_evaluate")
        return Report(out)

    def embed_sample(self, data, index, capacity=1024):
        out, dim = (c_float * capacity)(), c_size_t()
        self._call(_lib.de_model_embed_sample(self.handle, data.handle, c_size_t(index), out, c_size_t(capacity),
                                              byref(dim)), "de_model_embed_sample")
        return list(out[:dim.value])


class SourceView:
    """A dataset lent to a host model's train callback (valid during the call)."""

    def __init__(self, data):
        self._data = data

    def __len__(self):
        return _view_count(self._data)

    def sample(self, index):
        return Sample(self._data, index)


class Pool(_Handle):
    _free = "de_pool_free"

    def embed(self, model, progress=None):
        _with_progress(lambda fn: _lib.de_pool_embed(self.handle, model.handle, fn, None), progress, "de_pool_embed",
                       model)


class Plan(_Handle):
    _free = "de_plan_free"

    @classmethod
    def make(cls, report, benchmark, pool, options):
        out = c_void_p()
        _check(_lib.de_abs_plan(report.handle, benchmark.handle, pool.handle, byref(options), byref(out)), "de_abs_plan")
        return cls(out)

    def queries(self):
        n = c_size_t()
        _check(_lib.de_plan_query_count(self.handle, byref(n)), "de_plan_query_count")
        out = []
        for i in range(n.value):
            q = PlanQuery()
            _check(_lib.de_plan_get_query(self.handle, c_size_t(i), byref(q)), "de_plan_get_query")
            out.append((q.type.decode(), q.image_id.decode()))
        return out


class Generation(_Handle):
    _free = "de_generation_free"

    @classmethod
    def run(cls, plan, benchmark, pool, options, progress=None):
        out = c_void_p()
        _with_progress(lambda fn: _lib.de_generate(plan.handle, benchmark.handle, pool.handle, None, byref(options), fn,
                                                   None, byref(out)), progress, "de_generate")
        return cls(out)

    def samples(self):
        out = c_void_p()
        _check(_lib.de_generation_samples(self.handle, byref(out)), "de_generation_samples")
        return Dataset(out)


class Loop(_Handle):
    _free = "de_loop_free"

    def __init__(self, options):
        out = c_void_p()
        _check(_lib.de_loop_create(byref(options), byref(out)), "de_loop_create")
        super().__init__(out)

    def position(self):
        round_number, phase = c_int32(), c_int32()
        _check(_lib.de_loop_position(self.handle, byref(round_number), byref(phase)), "de_loop_position")
        return round_number.value, phase.value

    def step_phase(self, progress=None):
        ran = c_int32()
        _with_progress(lambda fn: _lib.de_loop_step_phase(self.handle, fn, None, byref(ran)), progress,
                       "de_loop_step_phase")
        return ran.value != 0

    def report(self, round_number, which=1):
        out = c_void_p()
        _check(_lib.de_loop_report(self.handle, c_int32(round_number), c_int32(which), byref(out)), "de_loop_report")
        return Report(out)

    def summary_json(self):
        out = c_void_p()
        _check(_lib.de_loop_summary_json(self.handle, byref(out)), "de_loop_summary_json")
        return _owned_string(out)

    def write_reports(self):
        _check(_lib.de_loop_write_reports(self.handle), "de_loop_write_reports")


# Every function returns de_status (int32) unless declared otherwise here; pointers that come
# back into Python as ints (callback arguments) need declared argument types.
_lib.de_string_free.argtypes = [c_void_p]
_lib.de_string_free.restype = None
for _name in ("de_dataset_free", "de_world_free", "de_report_free", "de_model_free", "de_pool_free", "de_plan_free",
              "de_generation_free", "de_loop_free"):
    getattr(_lib, _name).argtypes = [c_void_p]
    getattr(_lib, _name).restype = None
_lib.de_dataset_sample.argtypes = [c_void_p, c_size_t, POINTER(SampleInfo)]
_lib.de_dataset_option.argtypes = [c_void_p, c_size_t, c_size_t, POINTER(c_char_p)]
_lib.de_dataset_image_rgb.argtypes = [c_void_p, c_size_t, c_void_p, c_size_t, POINTER(c_int32), POINTER(c_int32)]
_lib.de_dataset_count.argtypes = [c_void_p, POINTER(c_size_t)]
