# dataengine learnability on a tiny world: M0, the control and one arm per type are trained and
# evaluated, the summary gives each type's gain by seed and the gate's verdict, finished runs are
# kept and not repeated, --report-only summarises a partial run without training, and a misspelt
# type is refused before anything trains.
file(REMOVE_RECURSE ${SCRATCH})
execute_process(COMMAND ${CLI} world --seed 5 --out ${SCRATCH}/world --per-type 3 --pool 2 --captions 6
                        --seed-counts text=4,scene=4
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "dataengine world failed: ${err}")
endif()
set(run ${CLI} learnability --world ${SCRATCH}/world --out ${SCRATCH}/learn --seeds 2 --types text,scene
        --pretrain-steps 2 --stage2-steps 3 --continue-steps 2 --boost 2 --threads 1
        --dim 32 --heads 2 --encoder-layers 1 --image-tokens-side 4 --prefix-side 2)
execute_process(COMMAND ${run} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "dataengine learnability failed: ${err}")
endif()
if(NOT err MATCHES "seed 0 M0: loss" OR NOT err MATCHES "seed 1 M0: loss")
  message(FATAL_ERROR "M0 was not trained for both seeds: ${err}")
endif()
if(NOT out MATCHES "\\| text \\| 4 \\|" OR NOT out MATCHES "\\| scene \\| 4 \\|" OR NOT out MATCHES "of 2 types gain 8\\+ points")
  message(FATAL_ERROR "the summary lacks a type's row or the gate's verdict: ${out}")
endif()
file(STRINGS ${SCRATCH}/learn/runs.jsonl runs)
list(LENGTH runs n)
if(NOT n EQUAL 8)  # per seed: m0, control, text, scene
  message(FATAL_ERROR "expected 8 finished runs, found ${n}")
endif()
file(READ ${SCRATCH}/learn/summary.json summary)
string(JSON types LENGTH "${summary}" types)
string(JSON gate_types GET "${summary}" gate types)
string(JSON by_seed LENGTH "${summary}" types 0 gain_by_seed)
string(JSON seeds GET "${summary}" types 0 seeds)
if(NOT types EQUAL 2 OR NOT gate_types EQUAL 2 OR NOT by_seed EQUAL 2 OR NOT seeds EQUAL 2)
  message(FATAL_ERROR "summary.json does not describe 2 types over 2 seeds: ${summary}")
endif()
file(READ ${SCRATCH}/learn/summary.md md)
if(NOT md MATCHES "gain by seed" OR NOT md MATCHES "types gain 8\\+ points")
  message(FATAL_ERROR "summary.md lacks the per-seed gains or the verdict: ${md}")
endif()

# Again on the same directory: nothing is trained again, the runs file is unchanged.
file(READ ${SCRATCH}/learn/runs.jsonl before)
execute_process(COMMAND ${run} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(READ ${SCRATCH}/learn/runs.jsonl after)
if(NOT rc EQUAL 0 OR err MATCHES "M0: loss" OR NOT before STREQUAL after OR NOT out MATCHES "of 2 types")
  message(FATAL_ERROR "a second run repeated finished work or changed runs.jsonl: ${err}")
endif()

# --report-only summarises what is done and trains nothing: with seed 1's runs gone, one seed per
# type and a line saying 3 runs (seed 1's control, text, scene) are missing; runs.jsonl stays as it was.
file(STRINGS ${SCRATCH}/learn/runs.jsonl lines)
set(seed0 "")
foreach(line IN LISTS lines)
  if(line MATCHES "^{\"seed\":0,")
    string(APPEND seed0 "${line}\n")
  endif()
endforeach()
file(WRITE ${SCRATCH}/learn/runs.jsonl "${seed0}")
execute_process(COMMAND ${run} --report-only RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(READ ${SCRATCH}/learn/runs.jsonl after)
file(READ ${SCRATCH}/learn/summary.json summary)
string(JSON seeds GET "${summary}" types 0 seeds)
string(JSON missing GET "${summary}" gate runs_missing)
if(NOT rc EQUAL 0 OR err MATCHES "loss" OR NOT after STREQUAL seed0 OR NOT seeds EQUAL 1 OR NOT missing EQUAL 3
   OR NOT out MATCHES "incomplete: 3 of 6 runs not done yet")
  message(FATAL_ERROR "--report-only trained, changed runs.jsonl or miscounted: ${out} ${err} ${summary}")
endif()
execute_process(COMMAND ${CLI} learnability --world ${SCRATCH}/world --out ${SCRATCH}/none --report-only
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "no runs recorded")
  message(FATAL_ERROR "--report-only without runs did not fail clearly: ${err}")
endif()

# A world from an earlier generator version (no "generator" in world.json): more runs are refused,
# naming the file, since their extra questions would come from another generator; --report-only
# still summarises the runs made on it.
file(READ ${SCRATCH}/world/world.json world_json)
string(REGEX REPLACE "\"generator\":[0-9]+," "" old_json "${world_json}")
if(old_json STREQUAL world_json)
  message(FATAL_ERROR "world.json records no generator version: ${world_json}")
endif()
file(WRITE ${SCRATCH}/world/world.json "${old_json}")
execute_process(COMMAND ${run} --report-only RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "incomplete: 3 of 6 runs not done yet")
  message(FATAL_ERROR "--report-only refused a world of an earlier generator version: ${err}")
endif()
execute_process(COMMAND ${run} RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "world/world.json': made by world generator version 0" OR err MATCHES "loss")
  message(FATAL_ERROR "learnability trained on a world of an earlier generator version: ${err}")
endif()
file(WRITE ${SCRATCH}/world/world.json "${world_json}")

execute_process(COMMAND ${CLI} learnability --world ${SCRATCH}/world --out ${SCRATCH}/bad --types text,colour
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "unknown question type 'colour'" OR EXISTS ${SCRATCH}/bad)
  message(FATAL_ERROR "a misspelt type was not refused before training: ${err}")
endif()
