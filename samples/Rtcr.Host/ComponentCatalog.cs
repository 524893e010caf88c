using System.Reflection;
using Rtcr.Samples;
using Rtcr.Sessions;

namespace Rtcr.Host;

/// <summary>
/// The components the CLI can run and restore: the samples, plus the components of the assemblies
/// named in the environment variable <c>RTCR_COMPONENTS</c> (paths separated by the platform's path
/// separator; every non-abstract <see cref="IComponentProgram"/> with a parameterless constructor, by
/// its <see cref="IComponentProgram.Name"/>). The end-to-end tests use it to restore their
/// adversarial components in a new process.
/// </summary>
internal static class ComponentCatalog
{
    public const string Variable = "RTCR_COMPONENTS";

    private static readonly Lazy<Dictionary<string, Type>> s_extra = new(Load);

    public static IComponentProgram Create(string name) =>
        s_extra.Value.TryGetValue(name, out var type) ? (IComponentProgram)Activator.CreateInstance(type, nonPublic: true)! : SampleCatalog.Create(name);

    public static string DefaultConfig(string name) => s_extra.Value.ContainsKey(name) ? "<config/>" : SampleCatalog.DefaultConfig(name);

    private static Dictionary<string, Type> Load()
    {
        var found = new Dictionary<string, Type>(StringComparer.Ordinal);
        string? paths = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(paths)) return found;
        foreach (var path in paths.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            Type[] types;
            try
            {
                types = Assembly.LoadFrom(path).GetTypes();
            }
            catch (Exception ex) when (ex is IOException or BadImageFormatException or ReflectionTypeLoadException)
            {
                throw new InvalidOperationException($"{Variable}: cannot load components from '{path}': {ex.Message}", ex);
            }
            foreach (var type in types)
            {
                if (type.IsAbstract || !typeof(IComponentProgram).IsAssignableFrom(type)
                    || type.GetConstructor(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes) is null) continue;
                var program = (IComponentProgram)Activator.CreateInstance(type, nonPublic: true)!;
                found.TryAdd(program.Name, type);
            }
        }
        return found;
    }
}
