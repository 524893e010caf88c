using GeneratorConsumer;
using Rtcr;
using Rtcr.Recording;
using Rtcr.Services;

// Records a session through the recorder the packaged generator emitted, and prints its canonical state.
using var kernel = new Kernel();
var client = kernel.CreateProtectionDomain("client");
var registry = new RecorderRegistry();
Rtcr.Generated.RtcrRecorders.RegisterAll(registry);
registry.TryWrap("Counter", new CounterSession(), new RecordingContext(client), new SessionArgs("counter", 0, 0), out var wrapped);
var counter = (ICounterSession)wrapped;
counter.Step(2);
counter.Step(5);
counter.Upgrade(100, 1);
var state = ((ISessionRecorder)counter).Capture();
Console.Write(state.ToRecord().Describe());

// What an image stores: the state's bytes, read back by the generated replayer.
var writer = new StateWriter();
state.Write(writer);
var reader = new StateReader(writer.WrittenSpan);
var read = registry.GetReplayer("Counter").Read(ref reader);
Console.WriteLine(read.ToRecord().Describe() == state.ToRecord().Describe() ? "state round trip: equal" : "state round trip: DIFFERENT");
