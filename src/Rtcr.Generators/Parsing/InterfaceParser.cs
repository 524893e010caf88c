using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Rtcr.Generators.Diagnostics;
using Rtcr.Generators.Model;

namespace Rtcr.Generators.Parsing;

/// <summary>
/// Turns an interface marked <c>[RtcrSession]</c> or <c>[RtcrRpcObject]</c> into an <see cref="InterfaceSpec"/>,
/// collecting every problem as a <see cref="DiagnosticInfo"/>. An interface with errors yields no spec, so the
/// user sees the precise diagnostic rather than a cascade of errors in generated code.
/// </summary>
internal sealed class InterfaceParser
{
    private readonly Compilation _compilation;
    private readonly INamedTypeSymbol _type;
    private readonly SyntaxNode _declaration;
    private readonly CancellationToken _cancellationToken;
    private readonly List<DiagnosticInfo> _diagnostics = new();

    private InterfaceParser(Compilation compilation, INamedTypeSymbol type, SyntaxNode declaration, CancellationToken cancellationToken)
    {
        _compilation = compilation;
        _type = type;
        _declaration = declaration;
        _cancellationToken = cancellationToken;
    }

    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, bool isSession, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type) return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        var parser = new InterfaceParser(context.SemanticModel.Compilation, type, context.TargetNode, cancellationToken);
        var spec = parser.Parse(isSession ? context.Attributes[0] : null);
        bool valid = parser._diagnostics.All(d => d.Descriptor.DefaultSeverity != DiagnosticSeverity.Error);
        var service = spec?.Service is { } name ? new ServiceSpec(name, type.ToDisplayString(), spec.HintName, parser.IdentifierLocation) : null;
        return new ParseResult(valid ? spec : null, parser._diagnostics.ToEquatableArray(), service);
    }

    private LocationInfo? IdentifierLocation =>
        LocationInfo.From(_declaration is BaseTypeDeclarationSyntax t ? t.Identifier.GetLocation() : _declaration.GetLocation());

    private void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, location ?? IdentifierLocation, arguments));

    private InterfaceSpec? Parse(AttributeData? sessionAttribute)
    {
        string attributeName = sessionAttribute is null ? "RtcrRpcObject" : "RtcrSession";
        if (_type.TypeKind != TypeKind.Interface)
        {
            Report(DiagnosticDescriptors.NotAnInterface, null, _type.Name, attributeName, "a " + KindName(_type),
                "put the attribute on the interface through which clients call the object, and implement that interface");
            return null;
        }
        if (_type.IsGenericType)
        {
            Report(DiagnosticDescriptors.NotAnInterface, null, _type.Name, attributeName, "a generic interface",
                "declare a non-generic interface that fixes the type arguments (interface IIntStore : IStore<int>) and mark that one");
            return null;
        }
        for (var outer = _type.ContainingType; outer is not null; outer = outer.ContainingType)
            if (outer.IsGenericType)
            {
                Report(DiagnosticDescriptors.NotAnInterface, null, _type.Name, attributeName, "nested in the generic type '" + outer.Name + "'",
                    "move the interface out of the generic type");
                return null;
            }
        string? accessibility = EffectiveAccessibility(_type);
        if (accessibility is null)
        {
            Report(DiagnosticDescriptors.InaccessibleInterface, null, _type.ToDisplayString(), DescribeAccessibility(_type));
            return null;
        }

        string? hook = ParseHook();
        var methods = ParseMethods();
        CheckKeys(methods);
        CheckWireNames(methods);
        var names = NameRules.For(_type);
        methods = Finish(methods, names);

        string? service = null;
        int restoreOrder = 100;
        if (sessionAttribute is not null)
        {
            service = sessionAttribute.ConstructorArguments.Length > 0 ? sessionAttribute.ConstructorArguments[0].Value as string : null;
            foreach (var named in sessionAttribute.NamedArguments)
                if (named.Key == "RestoreOrder" && named.Value.Value is int order) restoreOrder = order;
            service ??= _type.Name;
            if (service.Trim().Length == 0)
            {
                Report(DiagnosticDescriptors.EmptyServiceName, null, _type.Name);
                return null;
            }
        }

        string ns = _type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString(SymbolExtensions.NamespaceFormat) : "";
        return new InterfaceSpec(
            ns,
            _type.Name,
            HintName(_type),
            _type.ToTypeName(),
            accessibility,
            service,
            restoreOrder,
            names,
            hook,
            _type.ToDisplayString(),
            methods.ToEquatableArray());
    }

    private string? ParseHook()
    {
        var attribute = _type.FindAttribute(KnownNames.CapturedByAttribute);
        if (attribute is null) return null;
        var location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken));
        string target = _type.Name;
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol hook)
        {
            Report(DiagnosticDescriptors.InvalidStateHook, location, "?", "is missing", target);
            return null;
        }
        bool implements = hook.AllInterfaces.Any(i =>
            i.ConstructedFrom.Is(KnownNames.StateHook) && SymbolEqualityComparer.Default.Equals(i.TypeArguments[0], _type));
        string? problem =
            hook.TypeKind != TypeKind.Class || hook.IsAbstract ? "is not a concrete class"
            : !implements ? $"does not implement IStateHook<{target}>"
            : !hook.InstanceConstructors.Any(c => c.Parameters.Length == 0 && c.DeclaredAccessibility == Accessibility.Public) ? "has no public parameterless constructor"
            : null;
        if (problem is not null)
        {
            Report(DiagnosticDescriptors.InvalidStateHook, location, hook.ToDisplayString(), problem, target);
            return null;
        }
        return hook.ToTypeName();
    }

    private List<MethodSpec> ParseMethods()
    {
        var methods = new List<MethodSpec>();
        // The state model's own call parser is named ParseCall: a method "Parse" gets "Parse2Call".
        var callTypes = new HashSet<string> { "ParseCall" };
        foreach (var iface in new[] { _type }.Concat(_type.AllInterfaces))
        {
            foreach (var member in iface.GetMembers())
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (member.IsStatic && (member.IsAbstract || member.IsVirtual))
                {
                    // The recorder would have to implement it, and a static member has no object to forward to.
                    Report(DiagnosticDescriptors.UnsupportedMember, MemberLocation(member), member.Name, "a static abstract member",
                        "move it to an interface that is not recorded");
                    continue;
                }
                if (member.IsStatic || !member.IsAbstract) continue;
                switch (member)
                {
                    case IMethodSymbol { MethodKind: MethodKind.Ordinary } method:
                        var spec = ParseMethod(method, methods.Count + 1, callTypes);
                        if (spec is not null) methods.Add(spec);
                        break;
                    case IPropertySymbol or IEventSymbol:
                        Report(DiagnosticDescriptors.UnsupportedMember, MemberLocation(member), member.Name, member is IPropertySymbol ? "a property" : "an event",
                            member is IPropertySymbol
                                ? "replace it by a [Query] method that reads the value and, if it can be set, a [Sets] method that sets it"
                                : "replace it by a [Sets] method that takes the Cap<ISignalContext> to notify, as Genode sessions do");
                        break;
                }
            }
        }
        return methods;
    }

    private MethodSpec? ParseMethod(IMethodSymbol method, int id, HashSet<string> callTypes)
    {
        var location = MemberLocation(method);
        if (method.IsGenericMethod)
        {
            Report(DiagnosticDescriptors.UnsupportedMember, location, method.Name, "a generic method",
                "declare one non-generic method per type argument it is called with");
            return null;
        }

        if (method.ReturnsByRef || method.ReturnsByRefReadonly)
        {
            Report(DiagnosticDescriptors.UnsupportedMember, location, method.Name, "a method returning by reference",
                "return the value itself");
            return null;
        }
        if (IsPointer(method.ReturnType) || method.Parameters.Any(p => IsPointer(p.Type)))
        {
            Report(DiagnosticDescriptors.UnsupportedMember, location, method.Name, "a method with pointer types",
                "pass a Span<T> or array to a [Query] method, or share memory through a dataspace capability");
            return null;
        }

        var found = new List<(RecordingKind Kind, AttributeData Attribute)>();
        foreach (var attribute in method.GetAttributes())
        {
            RecordingKind? kind = attribute.AttributeClass is not INamedTypeSymbol c ? null : SymbolExtensions.MetadataName(c) switch
            {
                KnownNames.QueryAttribute => RecordingKind.Query,
                KnownNames.CreatesAttribute => RecordingKind.Creates,
                KnownNames.DestroysAttribute => RecordingKind.Destroys,
                KnownNames.SetsAttribute => RecordingKind.Sets,
                KnownNames.UnsetsAttribute => RecordingKind.Unsets,
                KnownNames.UpgradeAttribute => RecordingKind.Upgrade,
                KnownNames.CapturesAttribute => RecordingKind.Captures,
                _ => null,
            };
            if (kind is RecordingKind k) found.Add((k, attribute));
        }
        if (found.Count == 0)
        {
            Report(DiagnosticDescriptors.MissingRecordingAttribute, location, method.Name, _type.Name);
            return null;
        }
        if (found.Count > 1)
        {
            Report(DiagnosticDescriptors.ConflictingRecordingAttributes, location, method.Name,
                string.Join(", ", found.Select(f => "[" + f.Kind + "]")));
            return null;
        }

        var (recordingKind, recordingAttribute) = found[0];
        bool recorded = recordingKind is not (RecordingKind.Query or RecordingKind.Captures);
        if (recorded && IsAwaitable(method.ReturnType))
        {
            Report(DiagnosticDescriptors.AsynchronousRecordedMethod, ReturnTypeLocation(method) ?? location, method.Name, method.ReturnType.ToDisplayString(), "[" + recordingKind + "]");
            return null;
        }
        string? key = null, keyArg = null;
        bool keyFromResult = false;
        if (recordingKind is RecordingKind.Sets or RecordingKind.Unsets)
        {
            key = recordingAttribute.ConstructorArguments.Length > 0 ? recordingAttribute.ConstructorArguments[0].Value as string : null;
            foreach (var named in recordingAttribute.NamedArguments)
            {
                if (named.Key == "KeyArg") keyArg = named.Value.Value as string;
                else if (named.Key == "KeyFromResult" && named.Value.Value is bool b) keyFromResult = b;
            }
            key ??= method.Name;
            if (keyArg is not null && !method.Parameters.Any(p => p.Name == keyArg))
            {
                Report(DiagnosticDescriptors.UnknownKeyArg, LocationInfo.From(recordingAttribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken)) ?? location,
                    keyArg, method.Name, method.Parameters.Length == 0 ? "(none)" : string.Join(", ", method.Parameters.Select(p => p.Name)));
                return null;
            }
        }

        string? wireName = null;
        if (method.FindAttribute(KnownNames.WireNameAttribute) is { } wireAttribute)
        {
            wireName = wireAttribute.ConstructorArguments.Length > 0 ? wireAttribute.ConstructorArguments[0].Value as string : null;
            var wireLocation = LocationInfo.From(wireAttribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken)) ?? location;
            if (recordingKind is not (RecordingKind.Creates or RecordingKind.Sets))
            {
                Report(DiagnosticDescriptors.WireNameNotStored, wireLocation, method.Name, "[" + recordingKind + "]");
                wireName = null;
            }
            else if (wireName is null || wireName.Trim().Length == 0)
            {
                Report(DiagnosticDescriptors.DuplicateWireName, wireLocation, method.Name, wireName ?? "", "its wire name is empty", "give it the method's old name");
                return null;
            }
        }

        bool valid = true;
        var parameters = new List<ParameterSpec>();
        var properties = new HashSet<string>(ReservedProperties) { method.Name + "Call" };
        foreach (var parameter in method.Parameters)
        {
            var kind = Classify(parameter.Type);
            bool replayWithResult = parameter.FindAttribute(KnownNames.ReplayWithResultAttribute) is not null;
            if (recorded && (kind == ValueKind.Unsupported || parameter.RefKind != RefKind.None))
            {
                string typeName = (parameter.RefKind == RefKind.None ? "" : parameter.RefKind.ToString().ToLowerInvariant() + " ") + parameter.Type.ToDisplayString();
                Report(DiagnosticDescriptors.UnsupportedParameterType, ParameterTypeLocation(parameter) ?? location, parameter.Name, method.Name, typeName);
                valid = false;
            }
            if (replayWithResult)
            {
                string? problem = recordingKind != RecordingKind.Sets || !keyFromResult ? "the method is not [Sets(..., KeyFromResult = true)]"
                    : !SymbolEqualityComparer.Default.Equals(parameter.Type, method.ReturnType) ? $"its type '{parameter.Type.ToDisplayString()}' differs from the result type '{method.ReturnType.ToDisplayString()}'"
                    : null;
                if (problem is not null)
                {
                    Report(DiagnosticDescriptors.InvalidReplayWithResult, ParameterLocation(parameter) ?? location, parameter.Name, method.Name, problem);
                    valid = false;
                }
            }
            string property = Emitting.Naming.Pascal(parameter.Name);
            if (!properties.Add(property))
            {
                string stem = property;
                if (!properties.Add(property = stem + "Arg"))
                    for (int n = 2; !properties.Add(property = stem + n); n++) { }
            }
            parameters.Add(new ParameterSpec(
                Escape(parameter.Name),
                property,
                parameter.Type.ToSignatureTypeName(),
                parameter.RefKind switch { RefKind.Ref => "ref ", RefKind.Out => "out ", RefKind.In => "in ", RefKind.RefReadOnlyParameter => "ref readonly ", _ => "" },
                kind,
                parameter.Type.CapabilityTarget()?.ToTypeName(),
                kind == ValueKind.String && parameter.Type.NullableAnnotation != NullableAnnotation.NotAnnotated,
                replayWithResult,
                parameter.HasExplicitDefaultValue ? DefaultValues.Render(parameter) : null));
        }

        CreatedObjectSpec? created = null;
        var returnKind = Classify(method.ReturnType);
        switch (recordingKind)
        {
            case RecordingKind.Creates:
                if (method.ReturnType.CapabilityTarget() is not INamedTypeSymbol target)
                {
                    Report(DiagnosticDescriptors.CreatesMustReturnCapability, ReturnTypeLocation(method) ?? location, method.Name, method.ReturnType.ToDisplayString());
                    return null;
                }
                created = new CreatedObjectSpec(target.ToTypeName(), target.Name, RecorderOf(target));
                break;
            case RecordingKind.Destroys when !parameters.Any(p => p.Kind == ValueKind.Capability):
                Report(DiagnosticDescriptors.DestroysNeedsCapability, location, method.Name);
                return null;
            case RecordingKind.Upgrade when !method.ReturnsVoid || method.Parameters.Length != 2
                    || method.Parameters.Any(p => p.Type.SpecialType != SpecialType.System_Int64 || p.RefKind != RefKind.None):
                Report(DiagnosticDescriptors.InvalidUpgradeSignature, location, method.Name);
                return null;
            case RecordingKind.Sets when keyFromResult && (method.ReturnsVoid || returnKind == ValueKind.Unsupported):
                Report(DiagnosticDescriptors.KeyFromResultNeedsResult, ReturnTypeLocation(method) ?? location, method.Name, method.ReturnType.ToDisplayString());
                return null;
        }
        if (!valid) return null;

        string callType = method.Name + "Call";
        for (int n = 2; !callTypes.Add(callType); n++) callType = method.Name + n + "Call";

        return new MethodSpec(
            method.Name,
            Escape(method.Name),
            id,
            callType,
            method.ReturnsVoid ? "void" : method.ReturnType.ToSignatureTypeName(),
            returnKind,
            recordingKind,
            key,
            keyArg,
            keyFromResult,
            created,
            method.ContainingType.ToTypeName(),
            Receiver: false,
            Explicit: false,
            parameters.ToEquatableArray(),
            wireName);
    }

    /// <summary>
    /// The recorder of a created object's interface: only for <c>[RtcrRpcObject]</c> interfaces that record
    /// something (an object with only queries has no state, and wrapping it would only cost a call).
    /// </summary>
    private GeneratedNames? RecorderOf(INamedTypeSymbol target)
    {
        if (target.TypeKind != TypeKind.Interface || target.IsGenericType || target.FindAttribute(KnownNames.RpcObjectAttribute) is null) return null;
        if (!RecordsAnything(target)) return null;
        var names = NameRules.For(target);
        bool fromSource = target.Locations.Any(l => l.IsInSource) && SymbolEqualityComparer.Default.Equals(target.ContainingAssembly, _compilation.Assembly);
        if (!fromSource && _compilation.GetTypeByMetadataName(names.Recorder.Substring("global::".Length)) is null) return null;
        return names;
    }

    internal static bool RecordsAnything(INamedTypeSymbol type)
    {
        if (type.FindAttribute(KnownNames.CapturedByAttribute) is not null) return true;
        foreach (var iface in new[] { type }.Concat(type.AllInterfaces))
            foreach (var member in iface.GetMembers())
                foreach (var attribute in member.GetAttributes())
                    if (attribute.AttributeClass is INamedTypeSymbol c && SymbolExtensions.MetadataName(c) is
                            KnownNames.CreatesAttribute or KnownNames.DestroysAttribute or KnownNames.SetsAttribute
                            or KnownNames.UnsetsAttribute or KnownNames.UpgradeAttribute)
                        return true;
        return false;
    }

    /// <summary>
    /// RTCR015–017: every <c>[Unsets]</c> names a key a <c>[Sets]</c> records, in the same shape (a constant
    /// key, or one extended by an argument or result), and no key is used in both shapes.
    /// </summary>
    /// <summary>Two recorded methods stored under one wire name would be indistinguishable in an image (RTCR021).</summary>
    private void CheckWireNames(List<MethodSpec> methods)
    {
        var calls = methods.Where(m => m.IsRecordedCall).ToList();
        var overloaded = new HashSet<string>(calls.GroupBy(m => m.Name).Where(g => g.Count() > 1).Select(g => g.Key));
        var seen = new Dictionary<string, MethodSpec>(System.StringComparer.Ordinal);
        foreach (var m in calls)
        {
            string name = m.WireName ?? (overloaded.Contains(m.Name) ? m.Name + "(" + string.Join(",", m.Parameters.Select(p => p.Modifier + p.Type)) + ")" : m.Name);
            if (seen.TryGetValue(name, out var first))
                Report(DiagnosticDescriptors.DuplicateWireName, LocationOf(m), m.Name, name, "'" + first.Name + "' is stored under it too",
                    "give one of them [WireName] with a name of its own (a renamed method: its old name)");
            else
                seen.Add(name, m);
        }
    }

    private void CheckKeys(List<MethodSpec> methods)
    {
        var shapes = new Dictionary<string, MethodSpec>();
        foreach (var method in methods.Where(m => m.Kind == RecordingKind.Sets))
        {
            if (!shapes.TryGetValue(method.Key!, out var first)) shapes.Add(method.Key!, method);
            else if (first.HasStaticKey != method.HasStaticKey)
                Report(DiagnosticDescriptors.MixedKeyShapes, LocationOf(method), method.Key!, method.Name, first.Name);
        }
        foreach (var method in methods.Where(m => m.Kind == RecordingKind.Unsets))
        {
            if (!shapes.TryGetValue(method.Key!, out var setter))
                Report(DiagnosticDescriptors.UnsetsUnknownKey, LocationOf(method), method.Key!, method.Name, _type.Name);
            else if (setter.HasStaticKey != method.HasStaticKey)
                Report(DiagnosticDescriptors.UnsetsKeyShape, LocationOf(method), method.Key!, method.Name, setter.Name,
                    setter.HasStaticKey ? "records one value for the whole key, so drop KeyArg" : "records one value per argument, so add KeyArg naming the parameter that holds it");
        }
    }

    private LocationInfo? LocationOf(MethodSpec method) =>
        _type.GetMembers(method.Name).FirstOrDefault() is { } symbol ? MemberLocation(symbol) : null;

    /// <summary>
    /// Decides what needs the whole method set: wire ids by name (stable when methods are added, removed or
    /// reordered); a cast to the declaring interface where two interfaces declare one name; and explicit
    /// implementation where the recorder's own members or an earlier method already take the name.
    /// </summary>
    private static List<MethodSpec> Finish(List<MethodSpec> methods, GeneratedNames names)
    {
        var recorderMembers = new HashSet<string>(RecorderMembers) { Short(names.Recorder) };
        var declaring = methods.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.Select(m => m.ContainingInterface).Distinct().Count());
        var overloaded = new HashSet<string>(methods.Where(m => m.IsRecordedCall).GroupBy(m => m.Name).Where(g => g.Count() > 1).Select(g => g.Key));
        var signatures = new HashSet<string>();
        var ids = new HashSet<int>();
        var finished = new List<MethodSpec>(methods.Count);
        foreach (var m in methods)
        {
            string signature = m.Name + "(" + string.Join(",", m.Parameters.Select(p => p.Modifier + p.Type)) + ")";
            bool isExplicit = recorderMembers.Contains(m.Name) || m.Name.StartsWith("_", System.StringComparison.Ordinal) || !signatures.Add(signature);
            int id = m.Id;
            if (m.IsRecordedCall)
            {
                // Overloads are told apart by their parameter types unless [WireName] names them; a hash collision of
                // two different names takes the next free id (two equal names are RTCR021, reported by the parser).
                for (id = WireId(m.WireName ?? (overloaded.Contains(m.Name) ? signature : m.Name)); !ids.Add(id); id = id % int.MaxValue + 1) { }
            }
            finished.Add(m with { Id = id, Receiver = declaring[m.Name] > 1, Explicit = isExplicit });
        }
        return finished;
    }

    /// <summary>A positive 31-bit FNV-1a hash: the wire id of a recorded method.</summary>
    internal static int WireId(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text) hash = unchecked((hash ^ c) * 16777619);
        int id = (int)(hash & 0x7FFFFFFF);
        return id == 0 ? 1 : id;
    }

    private static string Short(string fullName) => fullName.Substring(System.Math.Max(fullName.LastIndexOf('.'), fullName.LastIndexOf(':')) + 1);

    // Members the recorder, its base type (Rtcr.Recording.Recorder<T>, SessionRecorder<T>) and object define: an interface
    // method of one of these names is implemented explicitly, so that it hides none of them.
    private static readonly string[] RecorderMembers = Emitting.RecorderEmitter.BaseHelpers.Concat(new[]
        { "Inner", "Service", "Args", "Capture", "ToString", "Equals", "GetHashCode", "GetType", "MemberwiseClone", "Finalize", "ReferenceEquals" }).ToArray();

    // Members every recorded call record has: a parameter's property never takes one of these names.
    private static readonly string[] ReservedProperties =
        { "Badge", "Sequence", "Object", "Method", "Key", "WireId", "ArgumentCount", "WriteArguments", "RenderArguments", "Interface", "Child", "Nests", "ToRecord", "ToObjectRecord", "Write", "Read", "EqualityContract", "Call", "Creation", "Setting",
          "Deconstruct", "PrintMembers", "Equals", "GetHashCode", "ToString", "GetType", "Clone", "MemberwiseClone", "Finalize" };

    private static string Escape(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    private static string HintName(INamedTypeSymbol type)
    {
        string name = type.MetadataName;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType) name = outer.MetadataName + "+" + name;
        for (var ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace) name = ns.Name + "." + name;
        return name;
    }

    private static bool IsPointer(ITypeSymbol type) => type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer;

    /// <summary>Task, ValueTask and anything else with a <c>GetAwaiter()</c>: its call returns before the work is done.</summary>
    private static bool IsAwaitable(ITypeSymbol type) =>
        type.GetMembers("GetAwaiter").OfType<IMethodSymbol>().Any(m => m.Parameters.Length == 0 && !m.IsStatic);

    internal static ValueKind Classify(ITypeSymbol type)
    {
        if (type.CapabilityTarget() is not null) return ValueKind.Capability;
        if (type.TypeKind == TypeKind.Enum) return ValueKind.Enum;
        return type.SpecialType switch
        {
            SpecialType.System_Boolean => ValueKind.Boolean,
            SpecialType.System_Byte => ValueKind.Byte,
            SpecialType.System_Int16 => ValueKind.Int16,
            SpecialType.System_Int32 => ValueKind.Int32,
            SpecialType.System_Int64 => ValueKind.Int64,
            SpecialType.System_UInt32 => ValueKind.UInt32,
            SpecialType.System_UInt64 => ValueKind.UInt64,
            SpecialType.System_Double => ValueKind.Double,
            SpecialType.System_String => ValueKind.String,
            _ => ValueKind.Unsupported,
        };
    }

    private LocationInfo? MemberLocation(ISymbol member) =>
        member.Locations.FirstOrDefault(l => l.IsInSource) is { } l ? LocationInfo.From(l) : null;

    private LocationInfo? ParameterLocation(IParameterSymbol parameter) =>
        LocationInfo.From(parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken));

    private LocationInfo? ParameterTypeLocation(IParameterSymbol parameter) =>
        LocationInfo.From((parameter.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) as ParameterSyntax)?.Type);

    private LocationInfo? ReturnTypeLocation(IMethodSymbol method) =>
        LocationInfo.From((method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellationToken) as MethodDeclarationSyntax)?.ReturnType);

    /// <summary>"public" or "internal" when every enclosing type is reachable too; otherwise null.</summary>
    private static string? EffectiveAccessibility(INamedTypeSymbol type)
    {
        bool isInternal = false;
        for (var t = type; t is not null; t = t.ContainingType)
        {
            switch (t.DeclaredAccessibility)
            {
                case Accessibility.Public: break;
                case Accessibility.Internal: isInternal = true; break;
                default: return null;
            }
        }
        return isInternal ? "internal" : "public";
    }

    private static string DescribeAccessibility(INamedTypeSymbol type)
    {
        for (var t = type; t is not null; t = t.ContainingType)
            if (t.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal))
                return SymbolEqualityComparer.Default.Equals(t, type) ? AccessibilityName(t.DeclaredAccessibility) : "nested in " + AccessibilityName(t.DeclaredAccessibility) + " type '" + t.Name + "'";
        return "inaccessible";
    }

    private static string AccessibilityName(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedAndInternal => "private protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        _ => accessibility.ToString().ToLowerInvariant(),
    };

    private static string KindName(INamedTypeSymbol type) => type.TypeKind switch
    {
        TypeKind.Class => type.IsRecord ? "record" : "class",
        TypeKind.Struct => type.IsRecord ? "record struct" : "struct",
        TypeKind.Enum => "enum",
        TypeKind.Delegate => "delegate",
        _ => type.TypeKind.ToString().ToLowerInvariant(),
    };
}
