/// Padding scheme of convolutions and pools.
public enum Padding: Int8, Sendable {
    case same = 0, valid = 1
}

/// A fused activation function as the schema encodes it.
public enum ActivationFunction: Int8, Sendable {
    case none = 0, relu = 1, reluN1To1 = 2, relu6 = 3, tanh = 4, signBit = 5
}

/// The builtin options of an operator, parsed according to its op code.
public enum BuiltinOptions: Sendable {
    case none
    case conv2D(Conv2DOptions)
    case depthwiseConv2D(DepthwiseConv2DOptions)
    case pool2D(Pool2DOptions)
    case fullyConnected(FullyConnectedOptions)
    case softmax(SoftmaxOptions)
    case concatenation(ConcatenationOptions)
    /// ADD, SUB, MUL and DIV carry only a fused activation.
    case arithmetic(ArithmeticOptions)
    case reshape(ReshapeOptions)
    case resizeBilinear(ResizeBilinearOptions)
    case reducer(ReducerOptions)
    case squeeze(SqueezeOptions)
    case leakyRelu(LeakyReluOptions)
    case argMax(ArgMaxOptions)
    /// VAR_HANDLE's variable name.
    case varHandle(VarHandleOptions)
    /// Option tables of scalars only, for the operators `ScalarOptions.layout(for:)` lists.
    case scalars(ScalarOptions)
}

public struct Conv2DOptions: Sendable, Equatable {
    public var padding: Padding = .same
    public var strideWidth = 1
    public var strideHeight = 1
    public var activation: ActivationFunction = .none
    public var dilationWidth = 1
    public var dilationHeight = 1
    public init() {}
}

public struct DepthwiseConv2DOptions: Sendable, Equatable {
    public var padding: Padding = .same
    public var strideWidth = 1
    public var strideHeight = 1
    public var depthMultiplier = 1
    public var activation: ActivationFunction = .none
    public var dilationWidth = 1
    public var dilationHeight = 1
    public init() {}
}

public struct Pool2DOptions: Sendable, Equatable {
    public var padding: Padding = .same
    public var strideWidth = 1
    public var strideHeight = 1
    public var filterWidth = 1
    public var filterHeight = 1
    public var activation: ActivationFunction = .none
    public init() {}
}

public struct FullyConnectedOptions: Sendable, Equatable {
    public var activation: ActivationFunction = .none
    /// 0 = DEFAULT; anything else is a shuffled format this runtime does not read.
    public var weightsFormat: Int8 = 0
    public var keepNumDims = false
    public init() {}
}

public struct SoftmaxOptions: Sendable, Equatable {
    public var beta: Float = 0
    public init() {}
}

public struct ConcatenationOptions: Sendable, Equatable {
    public var axis = 0
    public var activation: ActivationFunction = .none
    public init() {}
}

public struct ArithmeticOptions: Sendable, Equatable {
    public var activation: ActivationFunction = .none
    public init() {}
}

public struct ReshapeOptions: Sendable, Equatable {
    public var newShape: [Int]? = nil
    public init() {}
}

public struct ResizeBilinearOptions: Sendable, Equatable {
    public var alignCorners = false
    public var halfPixelCenters = false
    public init() {}
}

public struct ReducerOptions: Sendable, Equatable {
    public var keepDims = false
    public init() {}
}

public struct SqueezeOptions: Sendable, Equatable {
    public var squeezeDims: [Int] = []
    public init() {}
}

public struct LeakyReluOptions: Sendable, Equatable {
    public var alpha: Float = 0
    public init() {}
}

public struct ArgMaxOptions: Sendable, Equatable {
    public var outputType: TensorType = .int64
    public init() {}
}

/// VarHandleOptions: the variable a VAR_HANDLE names. TFLite keys resource variables by the pair.
public struct VarHandleOptions: Sendable, Equatable {
    public var container = ""
    public var sharedName = ""
    public init(container: String = "", sharedName: String = "") {
        self.container = container
        self.sharedName = sharedName
    }
}
