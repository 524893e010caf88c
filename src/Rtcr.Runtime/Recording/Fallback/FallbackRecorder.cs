using Castle.DynamicProxy;
using Rtcr.Services;

namespace Rtcr.Recording.Fallback;

/// <summary>
/// The slow path: records sessions whose interfaces were compiled without the Rtcr source generator, by
/// putting a Castle DynamicProxy in front of them and reading the recording attributes through reflection.
/// It produces the same canonical <see cref="SessionRecord"/> as the generated recorder for the same calls,
/// but every call pays for an interceptor, an argument array and boxing; prefer the generator.
/// </summary>
public static class FallbackRecorder
{
    private static readonly ProxyGenerator Generator = new();

    /// <summary>Puts a recording proxy in front of <paramref name="session"/>; the proxy also implements <see cref="ISessionRecorder"/>.</summary>
    /// <typeparam name="T">The session interface (marked <see cref="RtcrSessionAttribute"/>).</typeparam>
    public static T Wrap<T>(T session, RecordingContext context, SessionArgs args) where T : class =>
        (T)Wrap(typeof(T), session, context, args);

    /// <summary>Puts a recording proxy in front of <paramref name="session"/>, an implementation of <paramref name="sessionInterface"/>.</summary>
    /// <exception cref="ArgumentException">The interface is not marked <see cref="RtcrSessionAttribute"/> or the session does not implement it.</exception>
    public static object Wrap(Type sessionInterface, object session, RecordingContext context, SessionArgs args)
    {
        ArgumentNullException.ThrowIfNull(sessionInterface);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(args);
        var shape = FallbackShape.Of(sessionInterface);
        if (shape.Service is null) throw new ArgumentException($"{sessionInterface.Name} is not marked [RtcrSession]", nameof(sessionInterface));
        if (!sessionInterface.IsInstanceOfType(session)) throw new ArgumentException($"{session.GetType().Name} does not implement {sessionInterface.Name}", nameof(session));
        return Generator.CreateInterfaceProxyWithTarget(sessionInterface, [typeof(ISessionRecorder)], session,
            new FallbackInterceptor(shape, session, context, args));
    }

    /// <summary>Registers <paramref name="sessionInterface"/> with the fallback recorder and replayer.</summary>
    public static void Register(RecorderRegistry registry, Type sessionInterface)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(new FallbackReplayer(sessionInterface), (session, context, args) => Wrap(sessionInterface, session, context, args));
    }

    internal static object WrapObject(Type objectInterface, object target, RecordingContext context) =>
        Generator.CreateInterfaceProxyWithTarget(objectInterface, target,
            new FallbackInterceptor(FallbackShape.Of(objectInterface), target, context, null));
}
