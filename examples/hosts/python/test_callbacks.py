#!/usr/bin/env python3
"""Callbacks at the boundary: an exception in a Python callback (progress, host model) ends the
library call and is raised again in Python; a callback that says stop gives DE_EABORTED."""
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dataengine as de  # noqa: E402


def tiny_world(directory):
    o = de.world_options()
    o.per_type, o.pool_images, o.caption_images = 2, 4, 1
    o.seed_counts = b"scene=6,identity=0,attribute=0,location=0,counting=0,spatial relation=0,interaction=0," \
                    b"reasoning=0,text=0"
    world = de.World(o)
    world.write(directory)
    return world


class Broken:
    embedding_dim = 3

    def score(self, sample, rgb, width, height):
        raise RuntimeError("score is broken")

    def train(self, sources, options, progress):
        raise ValueError("cannot learn")

    def embed(self, rgb, width, height):
        return [1.0, 0.0, 0.0]


class Callbacks(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="de-python-callbacks-")
        # Each case writes a small world; leave nothing behind in the temp directory.
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.world = tiny_world(self.dir)

    def test_progress_exception_is_raised_again(self):
        def boom(phase, done, total):
            raise KeyError("boom")
        with self.assertRaises(KeyError):
            self.world.write(os.path.join(self.dir, "again"), boom)

    def test_progress_stop_is_aborted(self):
        with self.assertRaises(de.DataEngineError) as caught:
            self.world.write(os.path.join(self.dir, "again"), lambda phase, done, total: True)
        self.assertEqual(caught.exception.status, de.EABORTED)

    def test_host_model_exceptions_are_raised_again(self):
        test = de.Dataset.load(os.path.join(self.dir, "test.jsonl"))
        model = de.Model.from_host(Broken())
        with self.assertRaises(RuntimeError):
            model.evaluate(test)
        with self.assertRaises(ValueError):
            model.train([(test, de.SOURCE_QUESTIONS, 1.0)])
        self.assertEqual(len(model.embed_sample(test, 0)), 3)


if __name__ == "__main__":
    unittest.main()
