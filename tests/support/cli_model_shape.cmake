# dataengine pretrain takes the model's shape; the stage-1 model is made with it and a second run
# with another shape trains again rather than loading the first. A bad shape is a clear error.
file(REMOVE_RECURSE ${SCRATCH})
execute_process(COMMAND ${CLI} world --seed 5 --out ${SCRATCH} --per-type 2 --pool 2 --captions 6
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "dataengine world failed: ${err}")
endif()
set(shape --steps 2 --threads 1 --dim 32 --heads 2 --encoder-layers 1 --image-tokens-side 4 --prefix-side 2)
execute_process(COMMAND ${CLI} pretrain --world ${SCRATCH} ${shape} --decoder-layers 3
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT err MATCHES "trained and saved")
  message(FATAL_ERROR "dataengine pretrain with a shape failed: ${err}")
endif()
file(READ ${SCRATCH}/stage1/model.json json)
foreach(field "\"dim\":32" "\"heads\":2" "\"encoder_layers\":1" "\"decoder_layers\":3" "\"image_tokens_side\":4" "\"prefix_side\":2")
  if(NOT json MATCHES "${field}")
    message(FATAL_ERROR "stage-1 model.json lacks ${field}: ${json}")
  endif()
endforeach()
execute_process(COMMAND ${CLI} pretrain --world ${SCRATCH} ${shape} --decoder-layers 3
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT err MATCHES "loaded from")
  message(FATAL_ERROR "the same shape did not load the cached stage 1: ${err}")
endif()
execute_process(COMMAND ${CLI} pretrain --world ${SCRATCH} ${shape} --decoder-layers 1
                RESULT_VARIABLE rc ERROR_VARIABLE err)
file(READ ${SCRATCH}/stage1/model.json json)
if(NOT rc EQUAL 0 OR NOT err MATCHES "trained and saved" OR NOT json MATCHES "\"decoder_layers\":1")
  message(FATAL_ERROR "another shape did not train stage 1 again: ${err} ${json}")
endif()
execute_process(COMMAND ${CLI} pretrain --world ${SCRATCH} ${shape} --prefix-side 3
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "prefix")
  message(FATAL_ERROR "a prefix side that does not divide the grid was not refused clearly: ${err}")
endif()
