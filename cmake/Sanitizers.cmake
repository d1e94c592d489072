# -DDYNOP_SANITIZE=address,undefined builds everything with those sanitizers.
set(DYNOP_SANITIZE "" CACHE STRING "Comma-separated sanitizers (address,undefined)")
if(DYNOP_SANITIZE)
  add_compile_options(-fsanitize=${DYNOP_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${DYNOP_SANITIZE})
endif()
