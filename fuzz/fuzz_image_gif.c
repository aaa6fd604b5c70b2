/*
 * fuzz_image_gif: any bytes through image_store() accepting GIF only, so
 * they reach image_gif.c's probe and decoder (see image_target.h).
 */
#define FORMAT	(IMAGE_GIF | IMAGE_SIZES)
#include "image_target.h"
