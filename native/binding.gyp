# The eidos_native addon: portable C++ kernels everywhere (x86-64 baseline + AVX2/F16C variants chosen at
# run time, so the binary runs on CPUs without AVX2), plus on macOS the Metal kernels (src/metal: the fused
# search pass and the batch scores on the GPU), the ImageIO image decoder (src/imageio: HEIC through the
# hardware HEVC decoder), AVFoundation's video frames (src/video: app/video/avfoundation-decoder.ts) and the
# Vision text reader (src/vision: the words in photos, issue 23).
{
  "targets": [{
    "target_name": "eidos_native",
    "sources": [
      "src/addon.cc", "src/args.cc", "src/pool.cc", "src/dot.cc", "src/convert.cc",
      "src/scores.cc", "src/topk.cc", "src/knn.cc", "src/nn_descent.cc", "src/inverted_file.cc", "src/umap.cc", "src/prior.cc", "src/mi.cc", "src/probe.cc",
      "src/file_lock.cc", "src/memory.cc", "src/resample.cc"
    ],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
    # No -march: the baseline must run anywhere; dot.cc compiles its AVX2 loops per function.
    "cflags_cc": ["-O3", "-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter"],
    "conditions": [
      ["OS=='mac'", {
        "sources": [
          "src/metal/metal_state.mm", "src/metal/metal_buffer.mm", "src/metal/metal_jobs.mm",
          "src/imageio/imageio_decode.mm", "src/video/video_frames.mm", "src/vision/vision_text.mm"
        ],
        "defines": ["EIDOS_METAL", "EIDOS_IMAGEIO", "EIDOS_AVFOUNDATION", "EIDOS_VISION"],
        "include_dirs": ["<(INTERMEDIATE_DIR)"],
        "link_settings": {"libraries": ["-framework Metal", "-framework Foundation", "-framework ImageIO", "-framework CoreGraphics", "-framework AVFoundation", "-framework CoreMedia", "-framework Vision"]},
        "xcode_settings": {
          "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
          "CLANG_ENABLE_OBJC_ARC": "YES",
          # = mac.minimumSystemVersion: the lowest macOS onnxruntime-node's binaries run on (test/unit/macos/macos-versions.test.ts).
          "MACOSX_DEPLOYMENT_TARGET": "14.0",
          "OTHER_CPLUSPLUSFLAGS": ["-O3", "-Wall"]
        },
        # The kernel source is compiled at run time (newLibraryWithSource), which needs no Xcode
        # Metal toolchain at install time; this embeds it as a C string.
        "actions": [{
          "action_name": "embed_metal_source",
          "inputs": ["src/metal/scores.metal"],
          "outputs": ["<(INTERMEDIATE_DIR)/scores_metal_source.h"],
          "action": ["node", "-e",
            "const fs=require('fs');fs.writeFileSync(process.argv[2],'static const char kScoresMetalSource[] = '+JSON.stringify(fs.readFileSync(process.argv[1],'utf8'))+';\\n')",
            "<@(_inputs)", "<@(_outputs)"]
        }]
      }]
    ]
  }]
}
