#ifndef EDGEFLEET_CONVSHAPE_H
#define EDGEFLEET_CONVSHAPE_H

#include <stdint.h>

/// The geometry of one convolution (NHWC, batch-major pixels), as Kernels' `Conv2DParameters` holds it: what the C
/// kernels that gather their own taps (`edgefleet_vnni512_conv_gather`, `edgefleet_avx512_depthwise_rows`) read.
typedef struct edgefleet_conv_shape {
    intptr_t inputHeight, inputWidth, inputChannels;
    intptr_t outputHeight, outputWidth, outputChannels;
    intptr_t filterHeight, filterWidth;
    intptr_t strideHeight, strideWidth, dilationHeight, dilationWidth;
    intptr_t paddingTop, paddingLeft;
} edgefleet_conv_shape;

#endif
