#!/usr/bin/env python3
"""The engine around a model Python built: evaluation, ABS and generation, host-owned training.

The model is a nearest-neighbour reader of 8 x 8 thumbnails in plain Python: it remembers, per
question wording, which answer went with which picture. The engine evaluates it, embeds the
pool with it, plans with ABS around its bad cases, the offline world writes the data, and the
host trains it on the result — printing each round's test figures.

  host_model.py [WORLD_DIR] [--tiny]     (--tiny: a small world, for tests)
"""
import ctypes
import sys

try:
    import dataengine as de
except Exception as e:  # no library, or one of another ABI: say so in one line
    sys.exit(f"host_model.py: {e}")

SIDE = 8


def thumbnail(rgb, width, height):
    """Mean colour of each cell of an 8 x 8 grid, in [0, 1]."""
    sums = [0.0] * (SIDE * SIDE * 3)
    for y in range(height):
        row = (y * SIDE // height) * SIDE
        base = y * width * 3
        for x in range(width):
            cell = (row + x * SIDE // width) * 3
            p = base + x * 3
            sums[cell] += rgb[p]
            sums[cell + 1] += rgb[p + 1]
            sums[cell + 2] += rgb[p + 2]
    scale = 255.0 * (width * height) / (SIDE * SIDE)
    return [s / scale for s in sums]


def distance(a, b):
    return sum((x - y) * (x - y) for x, y in zip(a, b))


class NearestNeighbour:
    embedding_dim = SIDE * SIDE * 3

    def __init__(self):
        self.memory = {}  # question -> [(thumbnail, answer text)]

    def score(self, sample, rgb, width, height):
        if not rgb:
            return [0.0] * len(sample.options)
        thumb = thumbnail(rgb, width, height)
        best = {}
        for seen, answer in self.memory.get(sample.question, []):
            d = distance(thumb, seen)
            if d < best.get(answer, 1e9):
                best[answer] = d
        return [-best.get(option, 1e3) for option in sample.options]

    def train(self, sources, options, progress):
        """Remembers every question; the loss is the share it answered wrong before seeing it."""
        total = sum(len(view) for view, _, _ in sources)
        done = wrong = 0
        for view, kind, _ in sources:
            if kind != de.SOURCE_QUESTIONS:
                continue
            for i in range(len(view)):
                sample = view.sample(i)
                rgb, width, height = sample.image()
                scores = self.score(sample, rgb, width, height)
                wrong += max(range(len(scores)), key=scores.__getitem__) != sample.answer
                self.memory.setdefault(sample.question, []).append((thumbnail(rgb, width, height),
                                                                    sample.options[sample.answer]))
                done += 1
                if progress(done, total):
                    raise KeyboardInterrupt("training stopped by the engine")
        return wrong / max(done, 1)

    def embed(self, rgb, width, height):
        return thumbnail(rgb, width, height)


def progress_line(label):
    def show(phase, done, total):
        print(f"\r{label} {phase}: {done}/{total}   ", end="\n" if total and done >= total else "", file=sys.stderr,
              flush=True)
        return False
    return show


def main():
    tiny = "--tiny" in sys.argv
    positional = [a for a in sys.argv[1:] if not a.startswith("--")]
    directory = positional[0] if positional else "host_model_world"
    rounds, budget = 2, (60 if tiny else 600)

    options = de.world_options()
    options.seed = 3
    if tiny:
        options.per_type, options.pool_images, options.caption_images = 8, 120, 4
        options.seed_counts = b"scene=20,identity=20,attribute=20,location=20,counting=20,spatial relation=20," \
                              b"interaction=20,reasoning=20,text=20"
    else:
        options.per_type, options.pool_images, options.caption_images = 60, 1500, 4
    world = de.World(options)
    world.write(directory, progress_line("world"))
    seed, dev, test = (de.Dataset.load(f"{directory}/{name}.jsonl") for name in ("seed_train", "dev", "test"))
    pool = world.pool(directory)

    model = de.Model.from_host(NearestNeighbour())
    loss = model.train([(seed, de.SOURCE_QUESTIONS, 1.0)], progress=progress_line("train"))
    print(f"seed set: {len(seed)} questions, training loss {loss:.2f}")
    kept, used = [], []
    for round_number in range(rounds + 1):
        dev_report = model.evaluate(dev, name="dev")
        test_report = model.evaluate(test, name="test")
        print(de.figures_line(round_number, test_report), flush=True)
        if round_number == rounds:
            break
        # ABS around the host model's bad cases: its embeddings for the pool and the examples.
        pool.embed(model, progress_line("embed"))
        ids = [case for type_name in dev_report.by_type() for case in dev_report.bad_cases(type_name)]
        vectors = [v for case in ids for v in model.embed_sample(dev, dev.find(case))]
        a = de.abs_options()
        a.budget, a.seed = budget, round_number
        id_array = (ctypes.c_char_p * len(ids))(*[i.encode() for i in ids])
        vector_array = (ctypes.c_float * len(vectors))(*vectors)
        a.example_ids, a.example_embeddings = id_array, vector_array
        a.example_count, a.embedding_dim = len(ids), NearestNeighbour.embedding_dim
        used_array = (ctypes.c_char_p * max(len(used), 1))(*[u.encode() for u in used])
        a.used_images, a.used_count = used_array, len(used)
        plan = de.Plan.make(dev_report, dev, pool, a)
        queries = plan.queries()
        used += [image for _, image in queries]

        g = de.gen_options()
        g.world, g.round, g.seed, g.id_prefix = world.handle, round_number, round_number, f"r{round_number}".encode()
        generated = de.Generation.run(plan, dev, pool, g, progress_line("generate")).samples()
        by_type = {}
        for type_name, _ in queries:
            by_type[type_name] = by_type.get(type_name, 0) + 1
        print(f"round {round_number} plan: " + ", ".join(f"{t} {n}" for t, n in sorted(by_type.items())) +
              f"; {len(generated)} of {len(queries)} generated samples accepted")
        model.train([(generated, de.SOURCE_QUESTIONS, float(len(generated)))], progress=progress_line("train"))
        kept.append(generated)  # the host model remembers what it saw; the datasets stay alive with it


if __name__ == "__main__":
    try:
        main()
    except de.DataEngineError as e:
        sys.exit(f"host_model.py: {e}")
