import Foundation
import NeuralCore
import Testing
import TestSupport
@testable import IntentClassifier

@Suite struct IntentHardeningTests {
    /// A forged intent model with an impossible size is refused with the file and the value named.
    @Test func impossibleConfigsAreRefused() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("korqa-intent-hard-\(UUID())").path
        let data = (0..<40).map { i in LabeledText(label: String(i % 2), text: i % 2 == 0 ? "밥 먹었니 \(i)" : "창문 닫아 줘 \(i)") }
        var options = IntentTrainingOptions()
        options.train = TrainConfig(epochs: 1, batchSize: 16, learningRate: 5e-3, patience: 1, seed: 1)
        options.embeddingSize = 4; options.hiddenSize = 4; options.minCount = 1
        let (classifier, _) = try IntentClassifier.train(train: data, validation: data, options: options, directory: base + "/m")
        for (key, value, expected) in [("layers", "1000000000", "layers is 1000000000"), ("hiddenSize", "-1", "hiddenSize is -1"),
                                       ("dropout", "-1", "dropout is -1"), ("embeddingSize", "8000", "parameters, the file holds")] {
            let path = base + "/forged-\(key)"
            try classifier.save(to: path)
            try rewriteCheckpointMetadata(at: path + "/model.safetensors") { metadata in
                metadata["korqa.config"] = replacingJSONNumber(metadata["korqa.config"]!, key: key, with: value)
            }
            do { _ = try IntentClassifier.load(from: path); Issue.record("\(key)=\(value) was loaded") } catch {
                #expect("\(error)".contains(expected) && "\(error)".contains(path), "\(error)")
            }
        }
    }
}
