using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Rtcr.Samples;

/// <summary>A Genode-style <c>&lt;config …/&gt;</c> node read from the ROM module "config", with typed attribute access and clear errors.</summary>
public sealed class ComponentConfig
{
    private readonly XElement _root;
    private readonly string _component;

    private ComponentConfig(string component, XElement root)
    {
        _component = component;
        _root = root;
    }

    /// <summary>Parses config text; the root element must be <c>config</c>.</summary>
    public static ComponentConfig Parse(string component, string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new ConfigException(component, "the ROM module 'config' is empty");
        XElement root;
        try
        {
            root = XElement.Parse(text);
        }
        catch (XmlException ex)
        {
            throw new ConfigException(component, $"not well-formed XML at line {ex.LineNumber}, position {ex.LinePosition}: {ex.Message}");
        }
        if (root.Name.LocalName != "config") throw new ConfigException(component, $"root element is <{root.Name.LocalName}>, expected <config>");
        return new ComponentConfig(component, root);
    }

    /// <summary>An integer attribute within [min, max], or the default when absent.</summary>
    public long Long(string name, long defaultValue, long min = long.MinValue, long max = long.MaxValue)
    {
        var attr = _root.Attribute(name);
        if (attr is null) return defaultValue;
        if (!long.TryParse(attr.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v))
            throw new ConfigException(_component, $"attribute {name}=\"{attr.Value}\" is not an integer");
        if (v < min || v > max) throw new ConfigException(_component, $"attribute {name}={v} is out of range [{min}, {max}]");
        return v;
    }

    /// <summary>A size attribute with optional K/M/G suffix (binary), within [min, max].</summary>
    public long Size(string name, long defaultValue, long min, long max)
    {
        var attr = _root.Attribute(name);
        if (attr is null) return defaultValue;
        string s = attr.Value.Trim();
        long unit = 1;
        if (s.Length > 0 && char.IsLetter(s[^1]))
        {
            unit = char.ToUpperInvariant(s[^1]) switch
            {
                'K' => 1024L, 'M' => 1024L * 1024, 'G' => 1024L * 1024 * 1024,
                _ => throw new ConfigException(_component, $"attribute {name}=\"{attr.Value}\" has an unknown unit (use K, M or G)"),
            };
            s = s[..^1];
        }
        if (!long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v))
            throw new ConfigException(_component, $"attribute {name}=\"{attr.Value}\" is not a size");
        v *= unit;
        if (v < min || v > max) throw new ConfigException(_component, $"attribute {name}={v} is out of range [{min}, {max}]");
        return v;
    }

    /// <summary>A string attribute restricted to one of <paramref name="allowed"/>.</summary>
    public string Choice(string name, string defaultValue, params string[] allowed)
    {
        var attr = _root.Attribute(name);
        if (attr is null) return defaultValue;
        if (!allowed.Contains(attr.Value, StringComparer.Ordinal))
            throw new ConfigException(_component, $"attribute {name}=\"{attr.Value}\" must be one of: {string.Join(", ", allowed)}");
        return attr.Value;
    }
}
