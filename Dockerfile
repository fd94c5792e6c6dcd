# syntax=docker/dockerfile:1
#
# The shiftgate predictor as an AWS Lambda container image. Build with BuildKit/buildx, which sets TARGETARCH
# from --platform (CDK passes the platform from infra/config/stages.ts):
#   docker buildx build --platform linux/amd64 -t shiftgate .     # x86_64, the default (see docs/infrastructure.md)
#   docker buildx build --platform linux/arm64 -t shiftgate .     # arm64
#
# The base image is pinned by digest (the multi-arch index, so both platforms resolve). To bump it:
#   docker buildx imagetools inspect public.ecr.aws/lambda/nodejs:22     # or: crane digest public.ecr.aws/lambda/nodejs:22
# and replace the digest below with the index's "Digest:"; then rebuild and run the load test before releasing.
ARG LAMBDA_NODE_IMAGE=public.ecr.aws/lambda/nodejs:22@sha256:68eea3ead8b4675c0dace6dd8e22a799758b93f69a5b0dae61f043be620c7d6d

# Build stage: runs on the builder's own platform (no emulation) because it only bundles JavaScript and copies
# files; the target architecture only selects which onnxruntime binaries are kept.
FROM --platform=$BUILDPLATFORM ${LAMBDA_NODE_IMAGE} AS build
ARG TARGETARCH
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/build-service.mjs scripts/
COPY common common
COPY infra/image infra/image
COPY model/src model/src
COPY slo/src slo/src
COPY service/src service/src
COPY model/artifacts model/artifacts
RUN npm run build:image-context -- --arch "${TARGETARCH}" --out /image-context

# Final stage: the Lambda Node.js 22 runtime plus exactly what build-context.ts laid out. One layer per part,
# least-changing first; --link keeps each layer independent of the ones before it, and build-context.ts gives
# every file a fixed mtime, so a model-only or code-only change rebuilds and pushes one small layer.
FROM ${LAMBDA_NODE_IMAGE}
COPY --link --from=build /image-context/node_modules ${LAMBDA_TASK_ROOT}/node_modules
COPY --link --from=build /image-context/model ${LAMBDA_TASK_ROOT}/model
COPY --link --from=build /image-context/lambda.mjs /image-context/lambda.mjs.map ${LAMBDA_TASK_ROOT}/
# Stack traces in CloudWatch through the bundle's source map (lambda.mjs.map): file and line of service/src
# instead of one minified line. Node reads the 1.9 MB map when the bundle loads, a cold-start cost
# (docs/infrastructure.md, "Source maps").
ENV NODE_OPTIONS=--enable-source-maps
# <file without extension>.<export>; the runtime resolves lambda.mjs as an ES module.
CMD ["lambda.handler"]
